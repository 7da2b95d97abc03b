"""Spiders discover and schedule pages; extraction lives in the pure ``spiders.extract`` package.

Scrapy's spider loader imports every module here, so nothing in this package may have import-time
side effects.
"""
