"""The invented company behind the sample exports, and its calendar.

A Shanghai-based coffee-equipment company selling to US cafés, offices and home baristas
(USD: HubSpot, Shopify, Salesforce) and to Chinese consumers on Tmall (CNY). Everything
here is fixed data; randomness lives in the modules that use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np

START = date(2024, 5, 1)
END = date(2026, 10, 31)
N_DAYS = (END - START).days + 1
N_MONTHS = (END.year * 12 + END.month) - (START.year * 12 + START.month) + 1
DEFAULT_SEED = 20261031

# Local time of day of every generated event stays in 08:00-23:00 so a +08:00 timestamp
# converted to UTC keeps its calendar date.
FIRST_HOUR, LAST_HOUR = 8, 23


def day_date(day: int) -> date:
    return START + timedelta(days=int(day))


def day_index(d: date) -> int:
    return (d - START).days


def month_index(d: date) -> int:
    return (d.year * 12 + d.month) - (START.year * 12 + START.month)


def month_first_day(m: int) -> int:
    """Day index of the first day of month index ``m``."""
    y, mo = divmod(START.year * 12 + START.month - 1 + m, 12)
    return day_index(date(y, mo + 1, 1))


def at(day: int, seconds: int) -> datetime:
    return datetime.combine(day_date(day), datetime.min.time()) + timedelta(seconds=int(seconds))


DAY_DATES = [day_date(d) for d in range(N_DAYS)]
DAY_MONTH = np.array([month_index(d) for d in DAY_DATES])
DAY_WEEKDAY = np.array([d.weekday() for d in DAY_DATES])
MONTH_FIRST = np.array([month_first_day(m) for m in range(N_MONTHS + 1)])


def unique_ints(rng: np.random.Generator, lo: int, hi: int, n: int) -> np.ndarray:
    """``n`` distinct integers in [lo, hi), sorted (redraws the rare collisions)."""
    values = np.unique(rng.integers(lo, hi, size=n))
    while len(values) < n:
        values = np.unique(np.append(values, rng.integers(lo, hi, size=n - len(values))))
    return values


def draw(rng: np.random.Generator, weights) -> int:
    """Index drawn in proportion to ``weights`` (a faster ``rng.choice(len(w), p=w)``)."""
    cum = np.cumsum(weights)
    return min(int(np.searchsorted(cum, rng.random() * cum[-1], side="right")), len(cum) - 1)


def growth(day: np.ndarray | int) -> np.ndarray:
    """Business size relative to the start: +90% over the whole period."""
    return 1.0 + 0.9 * np.asarray(day) / N_DAYS


# US retail seasonality by calendar month: Q4 peak, soft January/February.
US_MONTH_FACTOR = {1: 0.8, 2: 0.85, 3: 0.95, 4: 0.95, 5: 1.0, 6: 0.95, 7: 0.9, 8: 0.9,
                   9: 1.0, 10: 1.05, 11: 1.35, 12: 1.5}
US_WEEKDAY_FACTOR = (1.0, 1.0, 1.0, 1.05, 1.1, 1.2, 1.05)
BLACK_FRIDAYS = (date(2024, 11, 29), date(2025, 11, 28))
CHINESE_NEW_YEARS = (date(2025, 1, 29), date(2026, 2, 17))


def us_daily_weight() -> np.ndarray:
    """Relative order intensity of each day for the US shop (one value per day)."""
    w = np.array([US_MONTH_FACTOR[d.month] * US_WEEKDAY_FACTOR[d.weekday()] for d in DAY_DATES])
    for bf in BLACK_FRIDAYS:
        i = day_index(bf)
        w[i] *= 3.0
        w[i + 3] *= 2.2  # Cyber Monday
        w[i + 1:i + 3] *= 1.6
    return w * growth(np.arange(N_DAYS))


def tmall_daily_weight() -> np.ndarray:
    """Relative order intensity of each day on Tmall: 618, Double 11 and 12.12 spikes, New Year dip."""
    w = np.ones(N_DAYS)
    for i, d in enumerate(DAY_DATES):
        if d.month == 11 and d.day == 11:
            w[i] = 16.0
        elif (d.month == 10 and d.day >= 20) or (d.month == 11 and d.day <= 10):
            w[i] = 1.7  # Double 11 pre-sale
        elif d.month == 6 and d.day == 18:
            w[i] = 6.0
        elif d.month == 6 and d.day < 18:
            w[i] = 1.4
        elif d.month == 12 and d.day == 12:
            w[i] = 3.0
    for cny in CHINESE_NEW_YEARS:
        i = day_index(cny)
        w[i - 12:i + 8] *= 0.3  # couriers stop around the Spring Festival
    return w * growth(np.arange(N_DAYS))


def monthly_totals(daily: np.ndarray) -> np.ndarray:
    """Sum of a per-day array per month index (N_MONTHS values)."""
    return np.bincount(DAY_MONTH, weights=daily, minlength=N_MONTHS)


@dataclass(frozen=True)
class Rep:
    name: str
    win_rate: float  # share of closed deals won, before per-deal effort
    effort: float  # activities per deal stage, relative to the team
    speed: float  # days spent per stage, relative to the team (lower is faster)
    quota_factor: float
    hired: date


REPS = (
    Rep("Emily Carter", 0.43, 1.5, 0.8, 1.15, START),
    Rep("Michael Chen", 0.36, 1.25, 0.9, 1.1, START),
    Rep("王芳", 0.35, 1.2, 0.9, 1.1, START),
    Rep("Sarah Johnson", 0.30, 1.0, 1.0, 1.0, START),
    Rep("David Kim", 0.25, 0.85, 1.1, 1.0, START),
    Rep("李伟", 0.20, 0.75, 1.15, 0.85, START),
    Rep("James Rodriguez", 0.21, 0.6, 1.25, 0.8, date(2025, 3, 1)),
)

SUPPORT_AGENTS = ("Lucy Brown", "陈静", "Tom Walker", "Priya Patel", "刘洋")


@dataclass(frozen=True)
class Product:
    sku: str
    name: str
    category: str
    price: float  # USD
    popularity: float  # relative units sold
    name_cn: str = ""  # empty: not sold on Tmall
    price_cny: float = 0.0


EM, GR, CB, AC, SP = "Espresso Machines", "Grinders", "Coffee Beans", "Accessories", "Service Plans"
P = Product
PRODUCTS = (
    P("EM-101", "Barista Pro Espresso Machine", EM, 1299.0, 3.0, "Barista Pro 半自动意式咖啡机", 8999.0),
    P("EM-102", "Barista Home Espresso Machine", EM, 549.0, 4.0, "Barista Home 家用意式咖啡机", 3899.0),
    P("EM-103", "Commercial 2-Group Espresso Machine", EM, 6800.0, 0.5),
    P("EM-104", "Compact Capsule Machine", EM, 179.0, 2.5, "迷你胶囊咖啡机", 1199.0),
    P("EM-105", "Dual Boiler Espresso Machine", EM, 2199.0, 0.8),
    P("EM-106", "Office Bean-to-Cup Machine", EM, 3499.0, 0.6),
    P("GR-201", "Burr Grinder Home", GR, 149.0, 3.0, "家用锥刀磨豆机", 999.0),
    P("GR-202", "Precision Burr Grinder", GR, 349.0, 2.0, "精准平刀磨豆机", 2399.0),
    P("GR-203", "Commercial Grinder 64mm", GR, 1150.0, 0.4),
    P("GR-204", "Hand Grinder", GR, 89.0, 1.5, "手摇磨豆机", 499.0),
    P("GR-205", "Single Dose Grinder", GR, 599.0, 0.6, "单剂量磨豆机", 3999.0),
    P("GR-206", "Flat Burr Grinder 83mm", GR, 1890.0, 0.6),
    P("CB-301", "House Blend 1kg", CB, 32.0, 30.0, "招牌拼配咖啡豆 1kg", 198.0),
    P("CB-302", "Espresso Blend 1kg", CB, 36.0, 24.0, "意式拼配咖啡豆 1kg", 228.0),
    P("CB-303", "Ethiopia Yirgacheffe 250g", CB, 18.0, 9.0, "埃塞俄比亚耶加雪菲 250g", 98.0),
    P("CB-304", "Colombia Huila 250g", CB, 16.0, 6.0, "哥伦比亚慧兰 250g", 88.0),
    P("CB-305", "Decaf Blend 1kg", CB, 34.0, 3.0, "低因拼配咖啡豆 1kg", 218.0),
    P("CB-306", "Yunnan Catimor 1kg", CB, 28.0, 4.0, "云南卡蒂姆咖啡豆 1kg", 158.0),
    P("CB-307", "Kenya AA 250g", CB, 21.0, 3.0, "肯尼亚AA 250g", 118.0),
    P("CB-308", "Brazil Santos 1kg", CB, 27.0, 5.0, "巴西山度士咖啡豆 1kg", 168.0),
    P("CB-309", "Guatemala Antigua 250g", CB, 17.0, 2.5, "危地马拉安提瓜 250g", 92.0),
    P("CB-310", "Seasonal Single Origin 250g", CB, 19.0, 2.0, "季节限定单品豆 250g", 108.0),
    P("CB-311", "Cold Brew Blend 1kg", CB, 30.0, 3.0, "冷萃专用咖啡豆 1kg", 188.0),
    P("CB-312", "Office Subscription Box 5kg", CB, 145.0, 6.0),
    P("AC-401", "Milk Pitcher 600ml", AC, 24.0, 4.0, "不锈钢拉花缸 600ml", 89.0),
    P("AC-402", "Tamper 58mm", AC, 39.0, 2.5, "58mm 压粉器", 159.0),
    P("AC-403", "Knock Box", AC, 29.0, 1.5, "咖啡渣桶", 99.0),
    P("AC-404", "Digital Scale", AC, 55.0, 2.5, "手冲电子秤", 199.0),
    P("AC-405", "Gooseneck Kettle", AC, 79.0, 2.0, "细口手冲壶", 299.0),
    P("AC-406", "Pour-Over Dripper", AC, 25.0, 2.5, "V60 滤杯", 79.0),
    P("AC-407", "Paper Filters (100)", AC, 8.0, 6.0, "咖啡滤纸 100片", 29.0),
    P("AC-408", "Cleaning Tablets (100)", AC, 19.0, 3.0, "咖啡机清洁片 100粒", 69.0),
    P("AC-409", "Descaler 1L", AC, 22.0, 2.0, "除垢剂 1L", 79.0),
    P("AC-410", "Ceramic Cup Set (6)", AC, 48.0, 1.2, "陶瓷咖啡杯 6只装", 169.0),
    P("AC-411", "Travel Mug", AC, 28.0, 2.0, "随行咖啡杯", 99.0),
    P("SP-501", "Annual Maintenance Plan", SP, 480.0, 0.8),
    P("SP-502", "Barista Training Session", SP, 350.0, 0.5),
    P("SP-503", "Installation Service", SP, 250.0, 0.6),
    P("SP-504", "Extended Warranty 2yr", SP, 199.0, 1.0),
    P("SP-505", "Priority Support Plan", SP, 900.0, 0.5),
)
CATEGORIES = (EM, GR, CB, AC, SP)
BEANS_PRICE_RISE = date(2026, 1, 1)  # beans cost 2 USD more from this day on


@dataclass(frozen=True)
class Campaign:
    name: str  # also the UTM value and the Salesforce campaign: one spelling everywhere
    channel: str
    start: date
    end: date
    segment: str  # B2C, B2B or both: whom it reaches
    order_share: float  # share of online orders in the window it is credited with
    signup_boost: float  # extra sign-ups of its segment during the window, relative
    roas: float  # revenue / cost the company ends up with: some pay back, some do not
    cpm: float  # cost per thousand impressions (0: no impressions, e.g. trade shows)
    ctr: float

    @property
    def days(self) -> range:
        return range(day_index(self.start), min(day_index(self.end), N_DAYS - 1) + 1)


CAMPAIGNS = (
    Campaign("2024-06_SOC_SummerColdBrew", "Social", date(2024, 6, 1), date(2024, 7, 31),
             "B2C", 0.10, 0.25, 1.1, 9.0, 0.012),
    Campaign("2024-09_SEA_OfficeCoffee", "Search", date(2024, 9, 2), date(2024, 11, 15),
             "B2B", 0.15, 0.8, 3.5, 38.0, 0.045),
    Campaign("2024-11_EM_BlackFriday", "Email", date(2024, 11, 22), date(2024, 12, 2),
             "both", 0.45, 0.0, 14.0, 4.0, 0.03),
    Campaign("2024-12_DIS_HolidayGiftGuide", "Display", date(2024, 12, 3), date(2024, 12, 24),
             "B2C", 0.08, 0.15, 0.6, 3.0, 0.004),
    Campaign("2025-03_EVT_CoffeeFestChicago", "Events", date(2025, 3, 14), date(2025, 3, 16),
             "B2B", 0.0, 12.0, 5.0, 0.0, 0.0),
    Campaign("2025-04_SEA_SpringEspresso", "Search", date(2025, 4, 1), date(2025, 5, 31),
             "B2C", 0.18, 0.35, 4.0, 35.0, 0.042),
    Campaign("2025-06_SOC_LatteArtInfluencers", "Social", date(2025, 6, 2), date(2025, 7, 15),
             "B2C", 0.08, 0.2, 0.7, 10.0, 0.010),
    Campaign("2025-09_EM_BackToOffice", "Email", date(2025, 9, 2), date(2025, 9, 30),
             "B2B", 0.35, 0.0, 9.0, 4.0, 0.035),
    Campaign("2025-10_EVT_SpecialtyCoffeeExpo", "Events", date(2025, 10, 9), date(2025, 10, 11),
             "B2B", 0.0, 10.0, 1.2, 0.0, 0.0),
    Campaign("2025-11_EM_BlackFriday", "Email", date(2025, 11, 21), date(2025, 12, 1),
             "both", 0.45, 0.0, 16.0, 4.0, 0.03),
    Campaign("2025-12_DIS_HolidayRetargeting", "Display", date(2025, 12, 2), date(2025, 12, 31),
             "B2C", 0.07, 0.1, 0.5, 3.2, 0.005),
    Campaign("2026-05_SEA_HomeBarista", "Search", date(2026, 5, 1), date(2026, 7, 31),
             "B2C", 0.14, 0.3, 2.5, 36.0, 0.040),
    Campaign("2026-09_DIS_BrandAwareness", "Display", date(2026, 9, 1), date(2026, 10, 31),
             "both", 0.04, 0.1, 0.3, 2.8, 0.004),
)

# State, code, weight, cities, area codes of the US customers.
US_STATES = (
    ("California", "CA", 14, ("San Francisco", "Los Angeles", "San Diego", "Oakland"), ("415", "213", "619")),
    ("New York", "NY", 10, ("New York", "Brooklyn", "Buffalo"), ("212", "718")),
    ("Texas", "TX", 9, ("Austin", "Houston", "Dallas"), ("512", "713", "214")),
    ("Washington", "WA", 6, ("Seattle", "Tacoma", "Spokane"), ("206", "253")),
    ("Illinois", "IL", 6, ("Chicago", "Evanston"), ("312", "847")),
    ("Massachusetts", "MA", 5, ("Boston", "Cambridge"), ("617",)),
    ("Oregon", "OR", 4, ("Portland", "Eugene"), ("503",)),
    ("Colorado", "CO", 4, ("Denver", "Boulder"), ("303",)),
    ("Florida", "FL", 6, ("Miami", "Orlando", "Tampa"), ("305", "407")),
    ("Georgia", "GA", 3, ("Atlanta", "Savannah"), ("404",)),
    ("Pennsylvania", "PA", 4, ("Philadelphia", "Pittsburgh"), ("215", "412")),
    ("Minnesota", "MN", 2, ("Minneapolis", "Saint Paul"), ("612",)),
    ("North Carolina", "NC", 3, ("Charlotte", "Raleigh"), ("704", "919")),
    ("Arizona", "AZ", 2, ("Phoenix", "Tucson"), ("602",)),
    ("Michigan", "MI", 2, ("Detroit", "Ann Arbor"), ("313",)),
)

# Province (as written at the start of an address), weight, {city: districts}.
CN_PROVINCES = (
    ("广东省", 16, {"深圳市": ("南山区", "福田区", "宝安区", "龙岗区"), "广州市": ("天河区", "海珠区", "番禺区")}),
    ("浙江省", 12, {"杭州市": ("西湖区", "滨江区", "余杭区"), "宁波市": ("鄞州区", "海曙区")}),
    ("江苏省", 11, {"南京市": ("鼓楼区", "建邺区"), "苏州市": ("姑苏区", "吴中区")}),
    ("上海市", 12, {"": ("浦东新区", "徐汇区", "静安区", "闵行区")}),
    ("北京市", 10, {"": ("朝阳区", "海淀区", "东城区", "西城区")}),
    ("四川省", 6, {"成都市": ("武侯区", "锦江区", "青羊区")}),
    ("福建省", 5, {"厦门市": ("思明区", "湖里区"), "福州市": ("鼓楼区",)}),
    ("湖北省", 5, {"武汉市": ("洪山区", "江汉区", "武昌区")}),
    ("山东省", 5, {"青岛市": ("市南区", "崂山区"), "济南市": ("历下区",)}),
    ("重庆市", 4, {"": ("渝中区", "江北区")}),
    ("天津市", 3, {"": ("和平区", "南开区")}),
    ("湖南省", 3, {"长沙市": ("岳麓区", "天心区")}),
    ("河南省", 3, {"郑州市": ("金水区", "二七区")}),
    ("陕西省", 3, {"西安市": ("雁塔区", "碑林区")}),
    ("云南省", 2, {"昆明市": ("五华区", "盘龙区")}),
)
CN_STREETS = ("科技园路", "建设路", "人民路", "中山路", "解放路", "文化路", "学院路", "滨江大道",
              "新华路", "东风路", "长江路", "和平路", "青年路", "花园街")
CN_ESTATES = ("阳光花园", "锦绣家园", "翠湖苑", "金色港湾", "世纪城", "滨江公寓", "书香雅苑", "")

FIRST_NAMES = (
    "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David",
    "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Karen",
    "Daniel", "Nancy", "Matthew", "Lisa", "Anthony", "Sandra", "Mark", "Ashley", "Steven",
    "Emily", "Andrew", "Michelle", "Kevin", "Amanda", "Brian", "Melissa", "Jose", "Stephanie",
    "Ryan", "Rebecca", "Jacob", "Laura", "Nicholas", "Olivia", "Eric", "Hannah", "Jonathan",
    "Sofia", "Wei", "Mei", "Hiroshi", "Priya", "Aisha", "Mateo", "Chloé", "Zoë", "Björn", "Noah",
)
LAST_NAMES = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor",
    "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez",
    "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright",
    "Nguyen", "Patel", "Kim", "Chen", "Wang", "Singh", "O'Brien", "O'Connor", "Müller",
    "Nakamura", "Rossi", "Dubois", "Kowalski", "Ivanova", "Haddad",
)
COMPANY_WORDS = (
    "Blue Oak", "Summit", "Harbor", "Golden Gate", "Maple", "Red Rock", "Silver Lake", "Pioneer",
    "Northstar", "Cedar", "Evergreen", "Riverside", "Lakeside", "Granite", "Copper Kettle",
    "Urban Grind", "Bluebird", "Ironwood", "Sunrise", "Hilltop", "Union Square", "Bayview",
    "Magnolia", "Willow", "Crescent", "Frontier", "Liberty", "Aspen", "Canyon", "Driftwood",
)
# Industry (HubSpot label), share of B2B customers, name endings.
INDUSTRIES = (
    ("Restaurants", 0.24, ("Café", "Coffee House", "Bistro", "Diner", "Kitchen")),
    ("Hospitality", 0.16, ("Hotel", "Suites", "Inn", "Resort")),
    ("Information Technology and Services", 0.16, ("Technologies", "Labs", "Software", "Systems")),
    ("Financial Services", 0.08, ("Capital", "Partners", "Advisors")),
    ("Real Estate", 0.10, ("Workspace", "Coworking", "Properties")),
    ("Education Management", 0.08, ("Academy", "College", "Learning Center")),
    ("Hospital & Health Care", 0.08, ("Medical Center", "Health", "Clinic")),
    ("Retail", 0.10, ("Market", "Goods", "Grocers")),
)
COMPANY_SUFFIXES = ("", "", " LLC", " Inc.", " Co.", ", Inc.")
# A few names that need quoting in CSV, as real CRMs hold them.
ODD_COMPANY_NAMES = ('O\'Brien & Sons "Coffee" Co.', "Café Olé, LLC", "Smith, Jones & Partners",
                     "Zoë's Bakery", "  Trailing Space Roasters ")
