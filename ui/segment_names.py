"""Chinese names of the RFM segments and of their suggested actions, for every page and the
sidebar's segment filter (imported by ui.filters so they exist before any page runs)."""

from __future__ import annotations

from ui.i18n import register

SEGMENT_ZH = {
    "Champions": "冠军客户",
    "Loyal": "忠诚客户",
    "Potential Loyalists": "潜在忠诚客户",
    "New": "新客户",
    "Promising": "潜力客户",
    "Need Attention": "需要关注",
    "About to Sleep": "即将沉睡",
    "At Risk": "流失风险",
    "Can't Lose Them": "不能失去",
    "Hibernating": "沉睡客户",
    "Other": "其他",
}

ACTION_ZH = {
    "Reward them; ask for reviews and referrals; offer early access to new products.":
        "给予奖励；邀请评价与推荐；让他们抢先体验新品。",
    "Upsell higher-value products; invite them to a loyalty programme.":
        "推荐更高价值的产品；邀请加入会员计划。",
    "Offer membership or loyalty benefits; recommend related products.":
        "提供会员或积分权益；推荐相关产品。",
    "Onboard them well; make the second purchase easy with a welcome offer.":
        "做好新客引导；用欢迎优惠促成第二次购买。",
    "Build awareness of the range; offer a free trial or a small incentive.":
        "介绍产品线；提供免费试用或小额激励。",
    "Send time-limited, personalised offers based on past purchases.":
        "根据历史购买发送限时个性化优惠。",
    "Reconnect with popular products and a discount before they lapse.":
        "在流失前用热门产品和折扣重新联系。",
    "Send personalised win-back messages; offer renewals or helpful resources.":
        "发送个性化召回信息；提供续订或实用资料。",
    "Win them back with personal contact and their favourite products; ask what went wrong.":
        "通过专人联系和他们喜爱的产品挽回；了解问题所在。",
    "Offer relevant products and special discounts; otherwise do not spend much on them.":
        "提供相关产品和特别折扣；否则不必投入过多。",
    "Review: the segment map does not name this score combination.":
        "请检查：分群规则未覆盖此评分组合。",
}

register(SEGMENT_ZH)
register(ACTION_ZH)
