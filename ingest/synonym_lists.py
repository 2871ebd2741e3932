"""Header synonyms of every canonical column, per table (data only; see ingest.synonyms).

Within one column's list, earlier synonyms win over later ones when a file has several
matching headers (e.g. deals: "Amount" beats "Expected Revenue"). Case, spaces and
punctuation do not matter: "Close Date" also matches "CLOSEDATE", "close_date", "CloseDate".
"""

from __future__ import annotations

# Lists shared by several tables.
OWNER = [
    "owner", "owner name", "owner id", "sales rep", "salesperson", "sales person", "rep",
    "sales owner", "account owner", "deal owner", "opportunity owner", "contact owner",
    "case owner", "record owner", "assigned to", "assigned user", "assigned", "user",
    "负责人", "销售负责人", "销售", "销售人员", "销售代表", "业务员", "所属人", "跟进人",
    "归属人", "客户经理", "拥有者", "所有者",
]
REGION = [
    "region", "province", "state", "state/region", "billing province", "billing state",
    "shipping province", "shipping state", "mailing state", "billing province code",
    "province code", "state code", "territory", "area", "country", "country/region",
    "billing country", "shipping country", "mailing country", "country code",
    "省份", "省", "省份/直辖市", "收货省份", "地区", "区域", "大区", "所在地区", "国家", "国家/地区",
]
CUSTOMER_REF = [
    "customer id", "customerid", "customer number", "client id", "account id", "company id",
    "contact id", "buyer id", "customer code", "客户编号", "客户id", "客户代码", "会员id",
    "会员编号", "买家id", "用户id",
]

SYNONYMS: dict[str, dict[str, list[str]]] = {
    "order_lines": {
        "order_id": [
            "order id", "order number", "order no", "order", "order name", "invoice no",
            "invoice", "invoice number", "invoice id", "transaction id", "receipt number",
            "sales order", "name", "订单编号", "订单号", "主订单编号", "订单id", "单号",
            "销售单号", "订单编码", "交易号", "发票号",
        ],
        "ordered_at": [
            "order date", "ordered at", "created at", "invoice date", "order time",
            "order created", "purchase date", "transaction date", "date", "created date",
            "create date", "created", "processed at", "paid at", "下单时间", "订单创建时间",
            "下单日期", "订单日期", "创建时间", "订单时间", "成交时间", "付款时间", "支付时间", "日期",
            "时间",
        ],
        "customer_id": [
            *CUSTOMER_REF, "customer", "email", "customer email", "buyer email", "e-mail",
            "买家会员名", "买家昵称", "买家账号", "会员名", "客户账号", "买家",
        ],
        "customer_name": [
            "customer name", "customer", "client name", "client", "company name", "company",
            "account name", "buyer name", "billing name", "shipping name", "客户名称", "客户",
            "客户名", "买家姓名", "收货人姓名", "收货人", "公司名称",
        ],
        "product_id": [
            "product id", "sku", "stockcode", "stock code", "lineitem sku", "variant sku",
            "item code", "product code", "item id", "item number", "article number", "商品编码",
            "商品编号", "商品id", "商家编码", "sku编码", "货号", "产品编码", "产品编号", "物料编码",
            "宝贝id",
        ],
        "product_name": [
            "product name", "product", "lineitem name", "item name", "item", "description",
            "product title", "title", "商品名称", "商品", "产品名称", "产品", "宝贝标题",
            "商品标题", "品名",
        ],
        "category": [
            "category", "product category", "product type", "item category", "商品类目",
            "类目", "品类", "商品分类", "产品类别", "分类",
        ],
        "quantity": [
            "quantity", "qty", "lineitem quantity", "units", "quantity ordered", "units sold",
            "购买数量", "数量", "商品数量", "件数", "销售数量",
        ],
        "unit_price": [
            "unit price", "lineitem price", "price", "price each", "item price", "sale price",
            "单价", "商品单价", "销售单价", "成交单价", "价格",
        ],
        "discount_amount": [
            "lineitem discount", "discount amount", "discount", "discounts", "优惠金额",
            "折扣金额", "商品优惠", "优惠", "折扣",
        ],
        "line_amount": [
            "line amount", "line total", "lineitem total", "amount", "sales", "sales amount",
            "net sales", "revenue", "total price", "total", "order total", "order amount",
            "subtotal", "金额", "销售额", "销售金额", "成交金额", "商品金额", "小计", "实付金额",
            "订单金额", "应付金额", "买家实际支付金额", "实收金额", "总金额",
        ],
        "cost_amount": ["cost", "cost amount", "cogs", "cost of goods", "成本", "成本金额", "采购成本"],
        "channel": [
            "channel", "sales channel", "source", "source name", "order source", "platform",
            "store", "shop", "渠道", "销售渠道", "订单来源", "平台", "来源", "店铺", "店铺名称",
        ],
        "campaign_id": [
            "campaign id", "campaign", "utm campaign", "marketing campaign", "活动id",
            "活动编号", "营销活动", "活动名称", "活动",
        ],
        "region": REGION,
        "owner": [*OWNER, "salesman"],
        "status": [
            "order status", "status", "financial status", "payment status",
            "fulfillment status", "订单状态", "状态", "交易状态", "支付状态",
        ],
        "currency": ["currency", "currency code", "币种", "货币"],
    },
    "customers": {
        "customer_id": [
            "customer id", "id", "record id", *CUSTOMER_REF[1:], "account number",
            "编号", "客户账号", "会员名", "买家会员名",
        ],
        "customer_name": [
            "customer name", "name", "account name", "company name", "company",
            "organization name", "organization", "full name", "contact name", "client name",
            "person name", "客户名称", "客户名", "公司名称", "企业名称", "姓名", "名称", "联系人",
        ],
        "email": ["email", "e-mail", "email address", "person email", "邮箱", "电子邮箱", "电子邮件", "邮件"],
        "phone": [
            "phone", "phone number", "mobile", "mobile phone", "mobile phone number",
            "telephone", "tel", "电话", "手机", "手机号", "手机号码", "联系电话",
        ],
        "region": REGION,
        "city": ["city", "billing city", "mailing city", "shipping city", "town", "城市", "所在城市", "市"],
        "industry": ["industry", "sector", "行业", "所属行业", "客户行业"],
        "channel": [
            "lead source", "source", "original source", "original source type",
            "acquisition channel", "channel", "referral source", "客户来源", "来源", "获客渠道",
            "线索来源", "渠道",
        ],
        "owner": OWNER,
        "signup_date": [
            "signup date", "sign up date", "created date", "create date", "created at",
            "created", "created time", "date created", "registration date", "customer since",
            "became a customer date", "注册时间", "注册日期", "创建时间", "创建日期", "入会时间",
        ],
        "campaign_id": [
            "campaign id", "campaign", "first touch campaign", "original campaign",
            "utm campaign", "来源活动", "活动",
        ],
    },
    "deals": {
        "deal_id": [
            "deal id", "id", "record id", "opportunity id", "deal number", "商机编号", "商机id",
            "机会编号", "编号",
        ],
        "deal_name": [
            "deal name", "name", "opportunity name", "deal title", "title", "subject",
            "商机名称", "机会名称", "项目名称", "名称",
        ],
        "customer_id": [
            *CUSTOMER_REF, "associated company", "account name", "company name", "company",
            "organization", "organization name", "customer", "客户名称", "客户", "公司名称",
        ],
        "stage": [
            "stage", "deal stage", "stage name", "opportunity stage", "pipeline stage",
            "sales stage", "商机阶段", "阶段", "销售阶段", "当前阶段", "机会阶段",
        ],
        "deal_amount": [
            "amount", "deal amount", "value", "deal value", "opportunity amount",
            "amount in company currency", "total amount", "revenue", "expected revenue",
            "金额", "商机金额", "预计金额", "预计成交金额", "合同金额", "销售金额",
        ],
        "probability": [
            "probability", "win probability", "deal probability", "close probability",
            "赢率", "赢单率", "赢单概率", "成交概率", "成功率", "可能性",
        ],
        "owner": OWNER,
        "source": [
            "lead source", "source", "deal source", "original source", "original source type",
            "channel", "客户来源", "商机来源", "线索来源", "来源", "渠道",
        ],
        "product_name": ["product", "product name", "products", "main product", "产品", "产品名称", "意向产品", "商品名称"],
        "pipeline": ["pipeline", "sales pipeline", "销售流程", "管道"],
        "campaign_id": [
            "campaign id", "campaign", "primary campaign source", "campaign source", "来源活动",
            "市场活动", "活动",
        ],
        "region": REGION,
        "created_date": [
            "created date", "create date", "deal created", "created", "created at",
            "created on", "date created", "创建时间", "创建日期", "立项时间", "立项日期",
        ],
        "close_date": [
            "close date", "expected close date", "closing date", "closed date", "close time",
            "closed on", "预计成交日期", "成交日期", "预计签单日期", "结单日期", "关闭日期", "赢单日期",
        ],
        "is_closed": ["is closed", "closed", "是否关闭", "已关闭"],
        "is_won": ["is won", "won", "是否赢单", "是否成交"],
    },
    "deal_stage_history": {
        "deal_id": ["deal id", "opportunity id", "record id", "id", "商机编号", "商机id"],
        "stage": [
            "stage", "new stage", "to stage", "stage name", "deal stage", "new value",
            "阶段", "商机阶段", "新阶段", "变更后阶段",
        ],
        "entered_at": [
            "entered at", "date entered", "entered date", "entered", "changed at",
            "change date", "changed date", "stage date", "timestamp", "date", "last modified",
            "last modified date", "modified date", "edit date", "created date",
            "进入时间", "进入阶段时间", "变更时间", "变更日期", "时间", "日期",
        ],
    },
    "campaigns": {
        "campaign_id": ["campaign id", "id", "campaign code", "活动id", "活动编号", "活动编码"],
        "campaign_name": ["campaign name", "campaign", "name", "活动名称", "活动", "名称"],
        "channel": [
            "channel", "campaign type", "type", "medium", "source", "platform",
            "活动类型", "渠道", "类型", "平台", "媒介",
        ],
        "start_date": ["start date", "start", "begins", "launch date", "开始日期", "开始时间"],
        "end_date": ["end date", "end", "ends", "结束日期", "结束时间"],
        "cost_amount": [
            "actual cost", "cost", "spend", "amount spent", "budgeted cost", "budget",
            "实际成本", "花费", "费用", "消耗", "成本", "投入", "预算",
        ],
        "count_impressions": ["impressions", "impr", "views", "展现量", "展现", "展示量", "曝光量", "曝光"],
        "count_clicks": ["clicks", "link clicks", "点击量", "点击数", "点击"],
        "count_leads": [
            "leads", "number of leads", "responses", "number of responses", "线索数", "线索",
            "留资", "响应数",
        ],
        "count_conversions": ["conversions", "results", "purchases", "转化数", "转化量", "转化", "成交数"],
        "revenue_amount": [
            "revenue", "conversion value", "conv value", "purchase value",
            "amount won opportunities", "expected revenue", "收入", "转化金额", "成交金额",
            "销售额", "gmv",
        ],
    },
    "campaign_performance": {
        "campaign_id": [
            "campaign id", "campaign", "campaign name", "ad campaign", "活动id", "活动",
            "活动名称", "推广计划", "计划名称", "广告计划",
        ],
        "activity_date": ["day", "date", "activity date", "report date", "reporting starts", "日期", "时间", "天"],
        "channel": ["channel", "network", "platform", "source", "medium", "渠道", "平台", "媒介"],
        "cost_amount": ["cost", "spend", "amount spent", "花费", "消耗", "费用", "成本"],
        "count_impressions": ["impressions", "impr", "views", "展现量", "展现", "展示量", "曝光量", "曝光"],
        "count_clicks": ["clicks", "link clicks", "点击量", "点击数", "点击"],
        "count_leads": ["leads", "线索数", "线索", "留资"],
        "count_conversions": ["conversions", "results", "purchases", "转化数", "转化量", "转化", "成交数"],
        "revenue_amount": [
            "conversion value", "conv value", "revenue", "purchase value",
            "purchases conversion value", "转化金额", "成交金额", "收入", "销售额", "gmv",
        ],
    },
    "activities": {
        "activity_id": ["activity id", "id", "record id", "task id", "event id", "记录编号", "编号"],
        "activity_type": [
            "activity type", "type", "task subtype", "event type", "engagement type",
            "activity", "跟进方式", "活动类型", "类型", "方式",
        ],
        "occurred_at": [
            "activity date", "date", "occurred at", "timestamp", "start time", "date/time",
            "activity date/time", "call date", "due date", "created date", "create date",
            "跟进时间", "拜访时间", "沟通时间", "时间", "日期", "创建时间",
        ],
        "owner": OWNER,
        "customer_id": [
            *CUSTOMER_REF, "associated company", "account name", "company", "customer",
            "客户名称", "客户",
        ],
        "deal_id": [
            "deal id", "opportunity id", "associated deal", "related deal", "deal", "商机编号",
            "商机id", "商机名称", "商机",
        ],
        "subject": ["subject", "title", "notes", "description", "主题", "标题", "跟进内容", "内容"],
        "duration_minutes": [
            "duration minutes", "duration", "call duration", "duration min", "时长分钟",
            "通话时长", "时长",
        ],
    },
    "tickets": {
        "ticket_id": [
            "ticket id", "case number", "ticket number", "case id", "id", "ticket", "工单编号",
            "工单号", "工单id", "投诉编号", "编号",
        ],
        "customer_id": [*CUSTOMER_REF, "requester", "customer", "客户名称", "客户"],
        "ticket_type": [
            "ticket type", "type", "case type", "issue type", "classification", "category", "reason",
            "工单类型", "问题类型", "投诉类型", "类型",
        ],
        "priority": ["priority", "urgency", "优先级", "紧急程度"],
        "status": ["status", "ticket status", "case status", "工单状态", "处理状态", "状态"],
        "channel": ["channel", "origin", "case origin", "source", "via", "受理渠道", "渠道", "来源"],
        "owner": ["assignee", "agent", *OWNER, "处理人", "受理人", "客服"],
        "region": REGION,
        "opened_at": [
            "created at", "opened at", "created date", "opened date", "date opened",
            "created", "submitted at", "open date", "创建时间", "提交时间", "受理时间", "投诉时间",
            "发起时间", "日期", "时间",
        ],
        "resolved_at": [
            "resolved at", "closed date", "closed at", "closed time", "solved at",
            "resolution date", "date closed", "closed on", "resolved", "解决时间", "关闭时间", "完成时间", "处理完成时间",
        ],
        "satisfaction_score": [
            "satisfaction score", "satisfaction", "csat", "satisfaction rating", "rating",
            "满意度", "满意度评分", "评分", "评价",
        ],
    },
    "targets": {
        "owner": [*OWNER, "name", "employee", "姓名", "员工"],
        "period_start": [
            "period start", "period", "month", "target month", "period start date",
            "start date", "date", "月份", "周期", "期间", "开始日期", "日期", "月",
        ],
        "period_end": ["period end", "period end date", "end date", "结束日期"],
        "target_amount": [
            "target amount", "target", "quota", "goal", "target revenue", "sales target",
            "目标金额", "目标", "销售目标", "业绩目标", "指标",
        ],
    },
}
