"""A Vietnamese-like archive, generated: the data set of ``benchmarks/search_bench.py``.

What a search costs depends on how many articles a query matches and how long they are, so the
text imitates what the portals publish instead of random letters: real syllables (``SYLLABLES``,
harvested from the pages of tests/fixtures and ../shared/corpus, kept in their order of frequency
there) drawn by Zipf's law, in sentences and paragraphs; headlines of 8-16 syllables, leads of
24-36, bodies of 150-450. As in real text, the commonest syllables occur in nearly every article,
and accent folding merges many of them ("văn", "vấn", "vạn" are all "van" to the index).

To give the benchmark's queries every document frequency, a few terms are *planted* in a chosen
share of the articles (``PLANTS``). A syllable only a plant may use is taken out of the Zipf
vocabulary together with every syllable that folds to the same form, so its share is the planted one.

Publication dates run from 2005 to 2026, more of them recent, drawn independently of the id: a
real archive's ids follow crawl order, not publication order. Everything comes from one seed: the
same seed and count give the same articles, authors and portals.
"""

from __future__ import annotations

import math
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from itertools import accumulate, islice
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from archive.text_fold import fold  # noqa: E402

# Bump whenever generate() gives different output for the same seed: cached archives are rebuilt.
VERSION = 1
SEED = 20261127
# Articles per batch. Each batch has its own random stream (seed, batch number), so this is part of
# the data set's definition, not a tuning knob.
BATCH = 10_000

SYLLABLES: tuple[str, ...] = tuple("""
thông tin và công sở các truyền nội thành chính của hà điện số bộ phố chức vụ về hành trong tổ tử cơ đảng hoạch
phát quy động năm sự thanh định nghiệp triển với ban hội ngày thực hiện cổng quận nhiệm tác trang chủ nam địa
trên chỉ kết quan chí kế có đoàn đạo tra liên được đồng văn lý khai dụng quyết cho cấp nghệ đã quốc viễn tư việc
viên hoạt một đầu tiếp dịch là nghị xây nguồn dựng đơn quản việt từ phòng vị dự báo sơ tại doanh hóa bản tài hợp
chi thương bưu giải mặt nước ủy hệ hình nhà gia án trình thời năng theo đối nhận xuất bảo trung phủ đăng vi ứng
để đến hồ chuyên thể kiện lãnh xã phạm này đại bàn tập dung nhân không khi đề thị hoa sử phục đảm đấu xử người
thoại dân đáp cao những toàn ngành mạng giới thống quả giao pháp lại thu đổi cán kiểm thi hướng xuân phần tuyến
nhập rõ đa tiến mua giám cầu cung đẩy môn biên ghi ba tuyên mới trị sản mạnh kỳ điều thiệu bị minh khác thủ cửa
trường hiệu đó làm chiến sắm phận giảng phạt hỏi trực sách cấu an trận thức long kinh nâng thiết tức o chuyển
học đống vực dẫn chọn thuộc võ đồ tham tạo độ chống chương thư luật đốc thấu phó tâm tế quyền cập u hàng đô viết
điểm nguyễn lượng kê liệu ra yêu hoàn tầng gửi lược hạ tăng bài cáo ý tục lĩnh truy ký sinh sẽ tới tiêu kỹ
trưởng vào qua in như vô luôn cũng tiết phương sóng tổng tần ty lực tốt lần trọng nhất cá mục cuộc khối nhiều
giá thứ cường phối cách chất bổ phẩm biểu khu lập chế gian đất dùng lễ huyện binh phí di thường trước dữ chấp
nhanh kiến tự tích môi phải lạc tháng sáng trách mềm ảnh mại cần thuật nhằm chuẩn nguyên lao do khoản bí tiền
tình vững sát thế bao giấy cùng đưa tính đình đánh máy niên ở đây cộng thầu sai ngân phong ương vận xem sau diện
đào kịp góp đức thảo trợ mà nghiệm luận trạm trao đang toán sỹ giáo biến mức kỷ thuê nạp chung còn em lên nền
triệu khóa đài tưởng hoặc huy khởi con danh đặt đoạn đạt chưa hỗ nhóm nông hơn nay phân giữ thuận cả to trì đủ
đặc gặp đi giai lợi diễn rộng thật ngoài đường kích biệt quảng cụ tai tịch thiên gồm tỉnh xác niệm nhắn cạnh i
sạch tảng lớn cứu bình buổi bố hộ pho tương dục vấn bên cực phổ đội tượng vì giữa tải ép lan hạn cáp nghĩa đúng
tiên chứng ninh tinh trả thử tú lưu ưu đầy mở thỏa triệt suốt sống xuyên quán soát tuyển cục khó hai kiệm bằng
quá trò phê lịch chỉnh nghiêm lãng sung nối duyệt sàn bệnh yếu tìm tranh thúc anh thay chúng vệ loại phường vừa
khách mã cổ phép biết cố kênh mình ông tên phù giúp ngừng mật rất khăn trí khẩu từng vốn bắt mô gắn thiện quang
cải phụ dây khảo kèm trở cuối nói trương hải hưởng ích vũ gương đều áp chia lựa rác sức lệ vùng thì a nêu duy
xếp sửa rà tạp lê vai vẫn liệt đông thắng bước gói mọi nghiên lắp bán phan cảnh chiều khuyến huấn bồi tiện thần
nhưng nổi hạng mưu tướng mỗi mừng mẫu dương gây khắc nhật dưỡng tặng trạng hùng đua tỷ đảo linh biện hiểu thẩm
quần giả nhiên hòa chú phấn họp sâu thập tuấn hết lớp sắc miền tuy ngũ băng khoảng tín tất gần thấy tấn y sẻ
tuổi tố mỹ trào giảm thiếu cương ca bóng kiếm quý khoa thưởng riêng cứ đóng bày kể dưới khả đính càng nhu thao
rao lấy nữ hoàng khiếu căn nếu ươm uỷ hút trần nên thác đích chơi nào du túc hữu nghèo trẻ dịp độc ta hồi ngọc
khen buộc hiến lộ giờ ngay chặt bão sắp hồng hại sẵn đời nại gọi vặt thân trái mai sang bất ấn trật bầu chào
đáng khích tối khỏe ngăn trấn chữ thêm xúc đứng vật quân mang bức dấu chặn phóng tồn hương lời nghe đặng vậy lối
tắc tung nơi mạc sàng phản hiệp nạn bền thăm thí cử tộc hay bôi nhọ nhiễu ngầm hoá thụ bắc vườn miễn viện nhìn
mời bỏ nhau phú cận muốn biển tết tạm cột cư bảng tấm so chẽ đợt thôn thái dạng nguyện hiển nhũng tán xét đá
chúc chịu buôn mắc song phiếu nhấn thẻ ít nắm thuế khí mất tiếng ét dù đôi chữa lãm lậu trữ can liêm cước tay
hiền dài đột rằng cựu sớm gỡ ánh đà đàm đẹp sao nhỏ dư tô thích nỗ suất nẵng mong nữa bà phía xa lừa lụt ủng sơn
tầm dễ quà chốt dừng máu tái tòa bạn câu tri cảm kiên khẳng lai tháo cờ khẩn vướng xu nhì cháy nhiệt tây bạch
giản nguy tiễn chánh bác trụ phá hậu trúc nộp thiểu giỏi tránh lưới họ rút tốc luyện ngang cứng xe vòng nghề ổn
rãi lá ha châu cài khánh xóa gốc tuân sân rèn điển xung đôn vinh đê ăng xảy chóng mối tội bởi lượt sôi mưa ten
phức nhánh mẽ thù cũ đo vượt tỏ âm cháu tuần quỹ dành họa trưng thuốc dõi đàn bùi pha cây hưng cu phúc xin suy
com tiểu nằm ơn đãi kho bá hiểm lo dựa chăm hằng vọng hầu sổ cắt chỗ tọa lâm tân tiềm phiên tờ dũng chấm quay
cụm đọc ràng chiếm mặc cam nhớ vê bạc phô hàn thấp chu coi lận bám chậm thách nếp chuyện chiếu tuệ ngoại hãy ngữ
lòng cấm hạt sông tắt lỗi giác nhi gì tôn sim xạ hào e thiệt đinh thuyết thừa vĩ dâng giành đán khá kim nhiễm va
đem bật đai đỡ vui co thải trừ dứt thăng chấn quen sóc củng lông ước thủy niềm ngắn xâm tựu ngại tha sa bích hô
khuyết khung chắc lúc mùa sô huống thơ dạy tỉ khiến khuôn soạn thoái ăn xanh đền ngừa lỗ bô khổ khỏi bó khoá
nghi xuống mẹ đốn nô đám cắp chụp xứng min phút nóng tu dàng hoài mãi tận cống lành chân lục kháng hủy thậm hổng
dán ô đương kéo nghìn nang lam lương nhắc màn kêu tám yến mây hạnh dần ân nề hộp mắt bốn chư nga trăm bóc gọn
nhạc mê uy á mơ mạo cuốn nhờ sư mực trải rồi đón dỡ khoán chạy ai hãng hát tôi trồng cẩm lọc thẳng đỗ ma địch nó
hôm oai phim hi vơ âu giáp gìn thói hứa ấm phùng sĩ la giàu nuôi cốt trú quyên chử hoang lùi vu siêu điệp nghỉ
quanh bách vàng loạt dụ lâu núi tem khâu thúy the đẳng hiếu son toà dị ví éo lệnh vay nhãn châm chứ lặp xong hòm
hoại lang lắng giang kính ky trục bay khéo kỉ lẫn vài nhở ly hài hy huyết đe ái dậy liền hấp yên đèn muôn bế bối
lũ khiển bì hơ cầm gián ảo cân chị gợi nổ hè dược đêm luân chủng thất uống ngợi mậu đoạt gấp hẹp trích tươi treo
ngô ngập lường ẩn nhẹ thuần siết trùng diệt phu chờ nặng trúng cô niêm yết khám xấu ngôn mộ tỏa đọng kẻ nợ quê
bể bãi tùy dải thắp chắn chùa lây cậy góc chuỗi tường thắn đoa hỏng thệ lệch ngọ đáo thùng cơn dòng ống diệu sáp
vẻ quét ti áo khôi qui ém trời chối phán chuyến quát úng rơi đòi màu non khái bậc lộc khủng mười lề bùng toa
nghê ấy thê ro đắc thổ đổ mầu chứa đâu nửa khắp thắc gắng tuyệt nghĩ mầm thịnh trắc kiểu phi ùn giãn on chục
thắt túi him rào lửa pin kạn hoan dìu dắt miệng ho tim lào tròn thầy cản cát vân lứa thước cha đắn giống phước
xứ kịch vang lân sót thảm nét lõi tạc rời khải chiếc rủi tụ thoát ngàn ngõ dầu cái ơi dọa kém rẻ nòng tàng khô
tràng lăng bè bi en then lén dã mùi bộc bính thụy sạn phớt lờ vĩnh nhầm tàu đắp sứ chẳng nhuận đoan bảy tốn khúc
mác tặc súc ven huệ sáu băn cộm truyên lăm thận lẻ trân điệu tách hư tràn bạo huynh khơi khanh hứng sửu mạch xoá
phụng tùng tủ lô hỏa thạch nảy nến phái lò bào thâm ngưỡng làng nhượng chợ chiêu kiêm ngạch xuôi nha vẹn đeo
ngồi chạm khiếm tệ tật chồng móc ranh ngụy tệp rệt chuyền lưỡng thoa tốp đam đới tuyền báu oanh thú trông mù
quên ồ ạt đồi tang lãi mốc khấu viếng hơi điền ung đạp thuẫn chín thọ khoẻ lũy lồng ngưng cai khán lái đoán tôm
trắng khoăn bến bây luồng cỡ nhạy tĩnh hái dám răn đế bốc huế sưởi viêm túy đĩa mũi nhọn tông ngờ sắt trầm đặn
bồ tóm hẹn vạch hoà đừng bớt diễu tháp kí am liêu thiêng tù trọn tạ nhâm dồi vạn thánh mươi nhé thượng thám rắc
ất hường cúp hưu chẵn chật tả thôi xăng dàn bút lôi truyện hồn kín hầm thiệp bạ rối thạo trộm tê ổ kiều thô ôn
uốn nắn họat vợ liêng bang bại rẽ múa vương bát cẩn chìa vá bẻ gắm xư úc đỉnh lút ốm lấn hăng reo tứ nồng huyền
khan hằm phơi nhái nghiện ngược còi khuấy bỉ thắm khống sánh trai buýt cú đập khang kĩ sài thoáng đố may lạ đếm
xách vỡ vươn vượng é cởi tụy ghép dậu tuất vườm choi cặp thờ nhảy duẩn rét che dào dáng trãi hàm chông chiểu ngộ
cưỡng ko giọng vé giư bo thép thoả hoạn dấn trốn gày bóp nghẹt vàn hoảng vội thổi khát dở lay vở ơ làn lọt mảng
láng nghẽn mâu hở túng nhựa phiền ngẫu quấy bạt bổng kiềm lạm vư cồng kềnh đợi giây vun gô mít tụng lỏng hẳn
huân keo mổ trưa ngôi khổng lồ vua cưới vắn gieo cánh thìn dọn rừng xóm ao gen phâm bẩy nhúng hổ na lư giặc vắc
tiêm ề gôn nghênh ngủ cuồng xoáy miếu ội giọt hiếm pôn trăn phao khép nen mạn móng thuyền loa ru mệnh lõm dạn
gay gắt bói kẽ nhiêu lộn nghiêng liễu mồi mấy ngã sụt ki trôi bù san quô huỳnh bé dôi sập bắn pháo đậm sợi dọc
đư hoành én đựng mũ chèn lẽ mẻ chang món nhắm trư khiêm cười khoáng khuất phạc lạn khâm pa bia pán lúa cạn rau
hán trại bếp dẹp cảng kiệt trướng canh não ngư hạch tò mò tro moi đu khía ngỏ thấm chinh tít bận trừng mị hùa
bọn rung chói lọi tơ hân nút mễ đau bành vấp cự le khe hốt chội tuýt khứ dút khiếp bừa đệ lí tuỳ dang bơm sáo
rỗng nhịp gũi ngoan gái trăng bàng kè chập vời tẩy trễ nắng mọc than phượng lách cảo nhã xộn gòn chuông lúng lắm
ngạc mắn dâm trụy ác đòn phỏng gàng gỗ xoay gió mượn se thưa đỏ dè dặt ga vỉa noi dạo man lão bờ triều quyển chê
ngoa soi oan thỉnh thoảng buông dò huỷ vỏ họach đúc nai khuếch mộc thở ruột vết rửa loan ốc thong ưa phảm lằng
nhằng phím lơ hảo mư mát thủng doãn chở lấp cù nhị rạng xưa mường già áng lựu bánh kẹo rượu tiệc thịt chuồng hợi
gốm diêm trển thầm chặc um don nguội ến vuông đồn tráo chéo hố ngoặt thụt via dậm thá ại à ải ế ngàng mấu tản
thiếp hoạ xoan giật nghệp xuồng bê sộ nôi hò nhọc duyên át bom cày gạo sạt mái buồn éc đẻ muộn ngách sét sợ ngắm
lún manh mún kề đan lốc phẩn lưng chăng sòng nân tá dính tàm nắp ẩm chài xổ tho thang gạt nê lu ngắt mỗ thuỵ nhỡ
chừng phích vẽ bùn chép gặt rịa vũng vành đắt kha khuê chằng gai xài quăng bịa bìa suối tiển gãy tráng nhuệ
triền ngón de tia cong mãn rong giơ mu đuôi cấn tâng mỏng bịp ngụ trùm phốt điếu khói tễ khuẩn xẻ cà toản múi
chênh trơ rạc dời nung nấu thạc khao dĩ đuổi trịnh táng thốn dệt tụt hóc búa lim chuộng đen thà chết đụng khoát
mảnh thua hôi lẻo kông tổn chặng dan chầu chực quách qũy cầy nhược sấm cảu tày uyên lạng hiên thốt gang ngực
lánh đùm rách vóc dặn ngọn gấc nguyền dừa gio sịnh giỗ đói nụ rỡ mượt chàng khoắn quyện rôn ăm tam tửu sìn mẩu
nư pả đò ướng sưu lột phia ghế pác phật xê ư hụt vợt""".split())

# (slug, platform). Portals earlier in the list publish more: weights 1/rank**0.7.
PORTALS: tuple[tuple[str, str], ...] = (
    ("hanoi", "liferay-7"), ("hochiminhcity", "liferay-7"), ("danang", "liferay-6.2"), ("haiphong", "websphere-8"),
    ("cantho", "liferay-7"), ("quangninh", "liferay-6.2"), ("thanhhoa", "websphere-8"), ("nghean", "liferay-6.2"),
    ("thuathienhue", "liferay-7"), ("khanhhoa", "websphere-8"), ("daklak", "liferay-6.1"), ("lamdong", "liferay-6.2"),
    ("dongnai", "websphere-8"), ("binhduong", "liferay-7"), ("bacninh", "liferay-6.2"), ("angiang", "liferay-6.1"),
    ("kiengiang", "websphere-8"), ("dienbien", "liferay-6.1"), ("mic", "liferay-7"), ("moh", "websphere-8"),
)
SECTIONS: tuple[str, ...] = (
    "Tin tức - Sự kiện", "Tin trong tỉnh", "Tin trong nước", "Chỉ đạo điều hành", "Văn bản pháp luật",
    "Chuyển đổi số", "Cải cách hành chính", "Kinh tế", "Văn hóa - Xã hội", "Giáo dục - Đào tạo", "Y tế",
    "An ninh - Quốc phòng", "Nông nghiệp - Nông thôn", "Du lịch", "Khoa học - Công nghệ", "Thông báo",
    "Đấu thầu - Mua sắm công", "Tuyển dụng", "Hoạt động của lãnh đạo", "Công tác Đảng", "Đoàn thể",
    "Thanh tra", "Tài nguyên - Môi trường", "Giao thông vận tải", "Xây dựng", "Lao động - Việc làm",
    "Bưu chính viễn thông", "Công nghệ thông tin", "Báo chí - Xuất bản", "Phát thanh - Truyền hình",
    "Thể dục thể thao", "Tư pháp", "Nội vụ", "Tài chính - Ngân sách", "Đầu tư - Phát triển", "Ngoại vụ",
    "Dân tộc - Tôn giáo", "Thi đua - Khen thưởng", "Hỏi đáp", "Gương người tốt việc tốt",
)
FAMILY_NAMES = ("Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Trịnh Lương Mai Hà "
                "Tạ Cao Đào").split()
MIDDLE_NAMES = ("Văn Thị Đức Minh Hữu Thanh Ngọc Quang Xuân Thu Hồng Kim Anh Công Quốc Đình Thành Bảo Gia Khánh "
                "Mạnh Tuấn Phương Diệu Trọng").split()
GIVEN_NAMES = ("An Anh Bình Cường Chi Dũng Duy Đạt Điệp Giang Hà Hải Hạnh Hằng Hiền Hiếu Hoa Hòa Hùng Hương Huy "
               "Khoa Khánh Lan Linh Loan Long Mai Minh Nam Nga Ngân Nhung Oanh Phong Phúc Phương Quân Quang Quyên "
               "Sơn Tâm Tân Thảo Thắng Thành Thịnh Thủy Thư Tiến Toàn Trang Trung Tú Tuấn Tùng Uyên Vân Việt Vinh "
               "Vy Xuân Yến Ánh Ơn Ưng").split()
AUTHORS = 2000

VN = timezone(timedelta(hours=7))
FIRST_DAY, LAST_DAY = datetime(2005, 1, 1, tzinfo=VN), datetime(2026, 11, 27, tzinfo=VN)
CRAWLED = datetime(2026, 11, 27, 3, 0, tzinfo=timezone.utc)  # first_seen and last_seen of every article


@dataclass(frozen=True)
class Plant:
    """``text`` put into a ``share`` of the articles: 1-3 times in the body, sometimes in the headline
    (``HEADLINE_SHARE``, so relevance has headline hits to rank first) and the lead. ``own``: its
    syllables that nothing else may contain."""

    text: str
    share: float
    own: tuple[str, ...] = ()


PLANTS: tuple[Plant, ...] = (
    Plant("dịch", 0.20, own=("dịch",)),             # a very common word
    Plant("chuyển đổi số", 0.05),                    # phrases of common syllables: the words alone match far more
    Plant("Đảng bộ", 0.03),
    Plant("cải cách hành chính", 0.02),
    Plant("lũ", 0.02, own=("lũ",)),                 # a common word
    Plant("Đắk Lắk", 0.001, own=("Đắk", "Lắk")),   # medium; "dak lak" finds it only if đ folds to d
    Plant("Nậm Pồ", 0.00005, own=("Pồ",)),          # rare
)
HEADLINE_SHARE, LEAD_SHARE = 0.15, 0.3


def fingerprint(n: int, seed: int = SEED) -> dict[str, int]:
    """What identifies a generated data set (a cached archive is reused only if this matches)."""
    return {"generator": VERSION, "articles": n, "seed": seed}


def portal_rows() -> list[dict[str, Any]]:
    """Rows of ``portals`` (ids 1..20)."""
    return [{"id": i, "slug": slug, "base_url": f"https://{slug}.gov.vn", "platform": platform,
             "timezone": "Asia/Ho_Chi_Minh", "language": "vi"} for i, (slug, platform) in enumerate(PORTALS, 1)]


def author_names(seed: int = SEED) -> list[str]:
    """``AUTHORS`` distinct names; Nguyễn, Trần and Lê the commonest family names, as in life."""
    rng = random.Random(f"{seed}-authors")
    family_weights = [1 / rank for rank in range(1, len(FAMILY_NAMES) + 1)]
    names: dict[str, None] = {}
    while len(names) < AUTHORS:
        family = rng.choices(FAMILY_NAMES, weights=family_weights)[0]
        names.setdefault(f"{family} {rng.choice(MIDDLE_NAMES)} {rng.choice(GIVEN_NAMES)}")
    return list(names)


def author_rows(seed: int = SEED) -> list[dict[str, Any]]:
    """Rows of ``authors`` (ids 1..AUTHORS)."""
    return [{"id": i, "name": name} for i, name in enumerate(author_names(seed), 1)]


@dataclass
class Batch:
    articles: list[dict[str, Any]]  # rows of ``articles``, keyed by column name; ids are given
    bylines: list[dict[str, Any]]   # rows of ``article_authors``


def generate(n: int, seed: int = SEED) -> Iterator[Batch]:
    """The ``n`` articles (ids 1..n) of the data set, ``BATCH`` at a time."""
    writer = _Writer(seed)
    for number, first in enumerate(range(1, n + 1, BATCH)):
        yield writer.batch(random.Random(f"{seed}-{number}"), first, min(BATCH, n + 1 - first))


def _zipf(count: int, exponent: float = 1.0) -> list[float]:
    """Cumulative weights 1/rank**exponent, for ``random.choices(cum_weights=...)``."""
    return list(accumulate(1 / rank ** exponent for rank in range(1, count + 1)))


class _Writer:
    def __init__(self, seed: int):
        taken = {fold(word) for plant in PLANTS for word in plant.own}
        self.vocabulary = [s for s in SYLLABLES if fold(s) not in taken]
        self.syllable_weights = _zipf(len(self.vocabulary))
        self.portal_weights = _zipf(len(PORTALS), 0.7)
        self.section_weights = _zipf(len(SECTIONS), 0.8)
        self.author_names = author_names(seed)
        self.author_weights = _zipf(AUTHORS, 0.8)

    def batch(self, rng: random.Random, first_id: int, count: int) -> Batch:
        lengths = [(rng.randint(8, 16), rng.randint(24, 36), rng.randint(150, 450)) for _ in range(count)]
        # One draw for the whole batch: random.choices is far faster per call than per syllable.
        syllables = iter(rng.choices(self.vocabulary, cum_weights=self.syllable_weights,
                                     k=sum(map(sum, lengths))))
        planted = [[plant for plant in PLANTS if rng.random() < plant.share] for _ in range(count)]
        articles, bylines = [], []
        for offset, (headline_n, lead_n, body_n) in enumerate(lengths):
            article_id = first_id + offset
            headline, lead, body = (list(islice(syllables, k)) for k in (headline_n, lead_n, body_n))
            for plant in planted[offset]:
                _plant(rng, plant, headline, lead, body)
            articles.append(self._article(rng, article_id, headline, lead, body))
            bylines.extend(self._bylines(rng, article_id))
        return Batch(articles, bylines)

    def _article(self, rng: random.Random, article_id: int, headline_words: list[str], lead_words: list[str],
                 body_words: list[str]) -> dict[str, Any]:
        portal_id = rng.choices(range(1, len(PORTALS) + 1), cum_weights=self.portal_weights)[0]
        slug, platform = PORTALS[portal_id - 1]
        section = rng.choices(SECTIONS, cum_weights=self.section_weights)[0]
        headline = _capitalize(" ".join(headline_words))
        paragraphs = _paragraphs(rng, _sentences(rng, body_words))
        published = _publication_time(rng)
        url = f"https://{slug}.gov.vn/vi/-/asset_publisher/tin-tuc/content/{article_id}"
        return {
            "id": article_id, "identity": url, "url": url, "canonical_url": None, "portal_id": portal_id,
            "section": section, "headline": headline,
            "date_published": published.isoformat(), "date_published_utc": published.astimezone(timezone.utc),
            "date_published_raw": published.strftime("%d/%m/%Y %H:%M"),
            "date_modified": None, "date_modified_raw": None,
            "description": " ".join(_sentences(rng, lead_words)),
            "body": "\n".join(paragraphs), "body_html": "\n".join(f"<p>{p}</p>" for p in paragraphs),
            "language": "vi", "platform": platform, "breadcrumbs": ["Trang chủ", section, headline],
            "images": [], "metadata": {}, "content_hash": f"{article_id:064x}",
            "first_seen": CRAWLED, "last_seen": CRAWLED, "current_version": 1,
        }

    def _bylines(self, rng: random.Random, article_id: int) -> list[dict[str, Any]]:
        count = rng.choices((0, 1, 2), weights=(25, 60, 15))[0]
        ids = rng.choices(range(1, AUTHORS + 1), cum_weights=self.author_weights, k=count)
        ids = list(dict.fromkeys(ids))  # the same person twice is one byline
        return [{"article_id": article_id, "position": position, "author_id": author_id, "role": None,
                 "name_raw": self.author_names[author_id - 1]} for position, author_id in enumerate(ids)]


def _plant(rng: random.Random, plant: Plant, headline: list[str], lead: list[str], body: list[str]) -> None:
    words = plant.text.split()
    for _ in range(rng.randint(1, 3)):
        _insert(rng, body, words)
    if rng.random() < HEADLINE_SHARE:
        _insert(rng, headline, words)
    if rng.random() < LEAD_SHARE:
        _insert(rng, lead, words)


def _insert(rng: random.Random, words: list[str], inserted: list[str]) -> None:
    at = rng.randint(0, len(words))
    words[at:at] = inserted


def _capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]  # str.capitalize would lower-case "Đảng" in the middle


def _sentences(rng: random.Random, words: list[str]) -> list[str]:
    """Sentences of 8-24 syllables, a comma in the longer ones."""
    sentences, start = [], 0
    while start < len(words):
        sentence = words[start:start + rng.randint(8, 24)]
        start += len(sentence)
        if len(sentence) > 12:
            comma = rng.randint(4, len(sentence) - 5)
            sentence[comma] += ","
        sentences.append(_capitalize(" ".join(sentence)) + ".")
    return sentences


def _paragraphs(rng: random.Random, sentences: list[str]) -> list[str]:
    paragraphs, start = [], 0
    while start < len(sentences):
        count = rng.randint(2, 5)
        paragraphs.append(" ".join(sentences[start:start + count]))
        start += count
    return paragraphs


def _publication_time(rng: random.Random) -> datetime:
    """A minute between FIRST_DAY and LAST_DAY; half uniform, half with a density rising linearly,
    so the last years hold about three times as many articles per year as the first."""
    fraction = rng.random() if rng.random() < 0.5 else math.sqrt(rng.random())
    minutes = int(fraction * (LAST_DAY - FIRST_DAY).total_seconds() // 60)
    return FIRST_DAY + timedelta(minutes=minutes)


__all__ = ["AUTHORS", "BATCH", "Batch", "PLANTS", "PORTALS", "Plant", "SECTIONS", "SEED", "SYLLABLES", "VERSION",
           "author_names", "author_rows", "fingerprint", "generate", "portal_rows"]
