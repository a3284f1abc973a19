import pytest

from normalize.values import cn_to_int, money_amounts, parse_number, parse_quantity
from score.rules import tier_key


@pytest.mark.parametrize("text,value,high,comparator,percent,unit", [
    ("≥50个", 50, None, ">=", False, "个"),
    ("≤90万元", 900000, None, "<=", False, "万元"),
    ("10-15件/人/日", 10, 15, None, False, "件"),
    ("2万件以上", 20000, None, ">=", False, "件"),
    ("约50万条", 500000, None, None, False, "条"),
    ("1100余名", 1100, None, ">=", False, "名"),
    ("100%", 1.0, None, None, True, None),
    ("≥100百分比", 1.0, None, ">=", True, None),
    ("已开通6738部连心通街巷长号码", 6738, None, None, False, "部"),
    ("912.216万元", 9122160, None, None, False, "万元"),
    ("15件以上", 15, None, ">=", False, "件"),
    ("完成三个", 3, None, None, False, "个"),
    ("≥９５％", 0.95, None, ">=", True, None),
])
def test_parse_quantity(text, value, high, comparator, percent, unit):
    q = parse_quantity(text)
    assert q.value == pytest.approx(value)
    assert (q.high == pytest.approx(high)) if high else q.high is None
    assert (q.comparator, q.percent, q.unit) == (comparator, percent, unit)


@pytest.mark.parametrize("text", ["及时", "有效", "较高", "全", "达到预期指标", "", "—", "/", "\u3000",
                                  "2019年", "2021年11月30日前完成资金支付", "2020-06-30", "12月底前", "第4季度"])
def test_no_number_is_none_not_zero(text):
    assert parse_quantity(text) is None
    assert parse_number(text) is None


def test_a_date_is_no_quantity_but_a_duration_and_a_figure_beside_a_date_are():
    # '11月底完成100%': the month is when, the 100% is how much
    assert parse_quantity("11月底完成100%").value == pytest.approx(1.0)
    assert (parse_quantity("3年").value, parse_quantity("3年").unit) == (3, "年")
    assert parse_quantity("30日内").value == 30
    assert parse_quantity("4个季度").value == 4


def test_numbers():
    assert parse_number("　 9122160") == 9122160
    assert parse_number("99.66%") == 0.9966
    assert parse_number("1,234.5") == 1234.5
    assert parse_number("2万") == 20000
    assert parse_number("约10") is None
    assert cn_to_int("一百零五") == 105 and cn_to_int("两万") == 20000 and cn_to_int("十二") == 12
    assert money_amounts("项目预算控制912.216万元。") == [9122160]


@pytest.mark.parametrize("text,key", [
    ("达到预期指标", "达成"), ("达成预期指标", "达成"), ("基本达成预期指标且效果较好效果", "基本达成"),
    ("部分达成预期指标并具有一定效果", "部分达成"), ("未达成预期指标且效果较差", "未达成"), ("有效", None)])
def test_tiers(text, key):
    assert tier_key(text) == key
