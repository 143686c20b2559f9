#!/usr/bin/env python3
"""Writes templates/sample-apps/: three realistic Kintone apps (metadata and records) in the snapshot format.
Deterministic (fixed seed). Run from the repository root: python3 scripts/make-sample-apps.py"""
import json, os, random

random.seed(20261128)
ROOT = "templates/sample-apps"

def opts(names):
    return {n: {"label": n, "index": str(i)} for i, n in enumerate(names)}

def system(lang="en", process=False):
    if lang == "ja":
        codes = ["レコード番号", "作成者", "作成日時", "更新者", "更新日時", "ステータス", "作業者", "カテゴリー"]
        labels = codes
    else:
        codes = ["Record_number", "Created_by", "Created_datetime", "Updated_by", "Updated_datetime", "Status", "Assignee", "Categories"]
        labels = ["Record number", "Created by", "Created datetime", "Updated by", "Updated datetime", "Status", "Assignee", "Categories"]
    types = ["RECORD_NUMBER", "CREATOR", "CREATED_TIME", "MODIFIER", "UPDATED_TIME", "STATUS", "STATUS_ASSIGNEE", "CATEGORY"]
    out = {}
    for c, l, t in zip(codes, labels, types):
        if t in ("STATUS", "STATUS_ASSIGNEE", "CATEGORY"):
            out[c] = {"type": t, "code": c, "label": l, "enabled": process and t != "CATEGORY"}
        else:
            out[c] = {"type": t, "code": c, "label": l, "noLabel": False}
    return out

def text(code, label, required=False, unique=False, max_len="", default=""):
    return {"type": "SINGLE_LINE_TEXT", "code": code, "label": label, "noLabel": False, "required": required,
            "defaultValue": default, "unique": unique, "minLength": "", "maxLength": max_len, "expression": "", "hideExpression": False}

def number(code, label, required=False, min_v="", max_v="", unit="", unit_pos="BEFORE", scale=""):
    return {"type": "NUMBER", "code": code, "label": label, "noLabel": False, "required": required, "defaultValue": "",
            "unique": False, "minValue": min_v, "maxValue": max_v, "digit": True, "displayScale": scale, "unit": unit, "unitPosition": unit_pos}

def choice(t, code, label, names, required=False, default=None):
    f = {"type": t, "code": code, "label": label, "noLabel": False, "required": required, "options": opts(names)}
    if t in ("CHECK_BOX", "MULTI_SELECT"):
        f["defaultValue"] = default or []
    else:
        f["defaultValue"] = default or ""
    if t in ("CHECK_BOX", "RADIO_BUTTON"):
        f["align"] = "HORIZONTAL"
    return f

def simple(t, code, label, required=False, **extra):
    f = {"type": t, "code": code, "label": label, "noLabel": False, "required": required}
    f.update(extra)
    return f

def app(app_id, code, name, description):
    return {"appId": str(app_id), "code": code, "name": name, "description": description, "spaceId": None, "threadId": None,
            "createdAt": "2026-01-15T00:00:00.000Z", "creator": {"code": "admin", "name": "Administrator"},
            "modifiedAt": "2026-01-15T00:00:00.000Z", "modifier": {"code": "admin", "name": "Administrator"}}

USERS = [("sato", "Sato Haruka"), ("suzuki", "Suzuki Ren"), ("takahashi", "Takahashi Yui"), ("tanaka", "Tanaka Sota")]

def ts(day, hour):
    return f"2026-{1 + day // 28:02d}-{1 + day % 28:02d}T{hour:02d}:{random.choice([0, 15, 30, 45]):02d}:00Z"

def base_record(rid, lang, app_code=""):
    u = random.choice(USERS)
    m = random.choice(USERS)
    day = rid * 2
    k = ["レコード番号", "作成者", "作成日時", "更新者", "更新日時"] if lang == "ja" else ["Record_number", "Created_by", "Created_datetime", "Updated_by", "Updated_datetime"]
    return {
        "$id": {"type": "__ID__", "value": str(rid)},
        "$revision": {"type": "__REVISION__", "value": "1"},
        k[0]: {"type": "RECORD_NUMBER", "value": f"{app_code}-{rid}" if app_code else str(rid)},
        k[1]: {"type": "CREATOR", "value": {"code": u[0], "name": u[1]}},
        k[2]: {"type": "CREATED_TIME", "value": ts(day, 1)},
        k[3]: {"type": "MODIFIER", "value": {"code": m[0], "name": m[1]}},
        k[4]: {"type": "UPDATED_TIME", "value": ts(day + 1, 5)},
    }

def write(app_id, app_body, fields, layout, records):
    d = f"{ROOT}/{app_id}"
    os.makedirs(d, exist_ok=True)
    for name, body in [("app.json", app_body), ("form-fields.json", {"properties": fields, "revision": "5"}),
                       ("form-layout.json", {"layout": layout, "revision": "5"}), ("records.json", {"records": records, "totalCount": None})]:
        with open(f"{d}/{name}", "w") as f:
            json.dump(body, f, ensure_ascii=False, indent=2)
            f.write("\n")

def row(*codes_types):
    return {"type": "ROW", "fields": [{"type": t, "code": c, "size": {"width": "200"}} for c, t in codes_types]}

# --- 1. Customers -----------------------------------------------------------
INDUSTRIES = ["Manufacturing", "Retail", "Finance", "Healthcare", "Software", "Logistics"]
cust_fields = system()
cust_fields.update({
    "Company_name": text("Company_name", "Company name", required=True, unique=True, max_len="100"),
    "Industry": choice("DROP_DOWN", "Industry", "Industry", INDUSTRIES),
    "Website": simple("LINK", "Website", "Website", defaultValue="", unique=False, minLength="", maxLength="", protocol="WEB"),
    "Phone": text("Phone", "Phone", max_len="20"),
    "Email": simple("LINK", "Email", "Email", defaultValue="", unique=False, minLength="", maxLength="", protocol="MAIL"),
    "Employees": number("Employees", "Employees", min_v="0"),
    "Annual_revenue": number("Annual_revenue", "Annual revenue", min_v="0", unit="$"),
    "Customer_since": simple("DATE", "Customer_since", "Customer since", defaultValue="", unique=False, defaultNowValue=False),
    "Rank": choice("RADIO_BUTTON", "Rank", "Rank", ["A", "B", "C"], required=True, default="B"),
    "Tags": choice("CHECK_BOX", "Tags", "Tags", ["Partner", "Reseller", "Key account", "Newsletter"]),
    "Account_owner": simple("USER_SELECT", "Account_owner", "Account owner", defaultValue=[], entities=[]),
    "Address": simple("MULTI_LINE_TEXT", "Address", "Address", defaultValue=""),
    "Notes": simple("MULTI_LINE_TEXT", "Notes", "Notes", defaultValue=""),
})
COMPANIES = ["Acme Robotics", "Blue Harbor Foods", "Cedar Finance", "Delta Clinics", "Evergreen Software", "Falcon Freight",
             "Granite Works", "Horizon Retail", "Iris Health", "Juniper Logistics", "Kite Analytics", "Lumen Manufacturing",
             "Maple Grocers", "Northwind Traders", "Orbit Systems", "Pine Capital", "Quartz Medical", "River Cargo",
             "Summit Tools", "Tidal Apps"]
cust_records = []
for i, name in enumerate(COMPANIES, start=1):
    r = base_record(i, "en", app_code="CUSTOMERS")
    ind = INDUSTRIES[i % len(INDUSTRIES)]
    slug = name.lower().replace(" ", "")
    owner = USERS[i % len(USERS)]
    r.update({
        "Company_name": {"type": "SINGLE_LINE_TEXT", "value": name},
        "Industry": {"type": "DROP_DOWN", "value": ind},
        "Website": {"type": "LINK", "value": f"https://www.{slug}.example.com"},
        "Phone": {"type": "SINGLE_LINE_TEXT", "value": f"+81-3-{5500 + i * 37:04d}-{1000 + i * 211 % 9000:04d}"},
        "Email": {"type": "LINK", "value": f"info@{slug}.example.com"},
        "Employees": {"type": "NUMBER", "value": str(random.choice([12, 45, 120, 380, 950, 2400]))},
        "Annual_revenue": {"type": "NUMBER", "value": str(int(random.choice([1.2, 4.5, 18, 72, 240]) * 1000000))},
        "Customer_since": {"type": "DATE", "value": f"20{16 + i % 10}-{1 + i % 12:02d}-{1 + i % 27:02d}"},
        "Rank": {"type": "RADIO_BUTTON", "value": "ABC"[i % 3]},
        "Tags": {"type": "CHECK_BOX", "value": [t for j, t in enumerate(["Partner", "Reseller", "Key account", "Newsletter"]) if (i >> j) & 1]},
        "Account_owner": {"type": "USER_SELECT", "value": [{"code": owner[0], "name": owner[1]}]},
        "Address": {"type": "MULTI_LINE_TEXT", "value": f"{i}-{i * 3} Marunouchi\nChiyoda-ku, Tokyo"},
        "Notes": {"type": "MULTI_LINE_TEXT", "value": "" if i % 4 else "Prefers email contact."},
    })
    cust_records.append(r)
cust_records.reverse()
write(1, app(1, "CUSTOMERS", "Customers", "Companies we sell to."), cust_fields,
      [row(("Company_name", "SINGLE_LINE_TEXT"), ("Industry", "DROP_DOWN"), ("Rank", "RADIO_BUTTON")),
       row(("Website", "LINK"), ("Phone", "SINGLE_LINE_TEXT"), ("Email", "LINK")),
       row(("Employees", "NUMBER"), ("Annual_revenue", "NUMBER"), ("Customer_since", "DATE")),
       row(("Tags", "CHECK_BOX"), ("Account_owner", "USER_SELECT")),
       row(("Address", "MULTI_LINE_TEXT"), ("Notes", "MULTI_LINE_TEXT"))], cust_records)

# --- 2. Deals ------------------------------------------------------------------
STAGES = ["Prospecting", "Proposal", "Negotiation", "Won", "Lost"]
deal_fields = system(process=True)
deal_fields.update({
    "Deal_name": text("Deal_name", "Deal name", required=True, max_len="120"),
    "Customer": {"type": "SINGLE_LINE_TEXT", "code": "Customer", "label": "Customer", "noLabel": False, "required": True,
                 "lookup": {"relatedApp": {"app": "1", "code": "CUSTOMERS"}, "relatedKeyField": "Company_name",
                            "fieldMappings": [{"field": "Customer_industry", "relatedField": "Industry"},
                                              {"field": "Customer_phone", "relatedField": "Phone"}],
                            "lookupPickerFields": ["Company_name", "Industry"], "filterCond": "", "sort": "Record_number desc"}},
    "Customer_industry": text("Customer_industry", "Customer industry"),
    "Customer_phone": text("Customer_phone", "Customer phone"),
    "Stage": choice("DROP_DOWN", "Stage", "Stage", STAGES, required=True, default="Prospecting"),
    "Probability": number("Probability", "Probability", min_v="0", max_v="100", unit="%", unit_pos="AFTER"),
    "Close_date": simple("DATE", "Close_date", "Expected close date", defaultValue="", unique=False, defaultNowValue=False),
    "Owner": simple("USER_SELECT", "Owner", "Owner", defaultValue=[{"code": "LOGINUSER()", "type": "FUNCTION"}], entities=[]),
    "Line_items": {"type": "SUBTABLE", "code": "Line_items", "label": "Line items", "noLabel": False, "fields": {
        "Product": text("Product", "Product", required=True, max_len="80"),
        "Quantity": number("Quantity", "Quantity", required=True, min_v="1"),
        "Unit_price": number("Unit_price", "Unit price", min_v="0", unit="$"),
        "Subtotal": simple("CALC", "Subtotal", "Subtotal", expression="Quantity*Unit_price", hideExpression=False,
                           format="NUMBER_DIGIT", displayScale="", unit="$", unitPosition="BEFORE"),
    }},
    "Amount": simple("CALC", "Amount", "Amount", expression="SUM(Subtotal)", hideExpression=False, format="NUMBER_DIGIT",
                     displayScale="", unit="$", unitPosition="BEFORE"),
    "Next_step": text("Next_step", "Next step"),
    "Proposal": simple("FILE", "Proposal", "Proposal document", thumbnailSize="150"),
    "Last_contact": simple("DATETIME", "Last_contact", "Last contact", defaultValue="", unique=False, defaultNowValue=False),
})
PRODUCTS = [("Sensor kit", 120), ("Gateway", 850), ("Cloud plan (year)", 2400), ("Support hours", 90), ("Installation", 1500)]
PSTATUS = {"Prospecting": "Not started", "Proposal": "In progress", "Negotiation": "In progress", "Won": "Completed", "Lost": "Completed"}
deal_records = []
row_id = 1000
for i in range(1, 31):
    r = base_record(i, "en", app_code="DEALS")
    cust = COMPANIES[(i * 7) % len(COMPANIES)]
    ci = COMPANIES.index(cust) + 1
    stage = STAGES[i % 5]
    owner = USERS[i % len(USERS)]
    rows = []
    total = 0
    for _ in range(1 + i % 3):
        p, price = random.choice(PRODUCTS)
        q = random.choice([1, 2, 5, 10])
        row_id += 1
        total += q * price
        rows.append({"id": str(row_id), "value": {
            "Product": {"type": "SINGLE_LINE_TEXT", "value": p}, "Quantity": {"type": "NUMBER", "value": str(q)},
            "Unit_price": {"type": "NUMBER", "value": str(price)}, "Subtotal": {"type": "CALC", "value": str(q * price)}}})
    cust_rec = next(c for c in cust_records if c["$id"]["value"] == str(ci))
    r.update({
        "Deal_name": {"type": "SINGLE_LINE_TEXT", "value": f"{cust} — {['Pilot', 'Rollout', 'Renewal', 'Expansion'][i % 4]} {2026 + i % 2}"},
        "Customer": {"type": "SINGLE_LINE_TEXT", "value": cust},
        "Customer_industry": {"type": "SINGLE_LINE_TEXT", "value": cust_rec["Industry"]["value"]},
        "Customer_phone": {"type": "SINGLE_LINE_TEXT", "value": cust_rec["Phone"]["value"]},
        "Stage": {"type": "DROP_DOWN", "value": stage},
        "Probability": {"type": "NUMBER", "value": str({"Prospecting": 10, "Proposal": 40, "Negotiation": 70, "Won": 100, "Lost": 0}[stage])},
        "Close_date": {"type": "DATE", "value": f"2026-{1 + i % 12:02d}-{1 + (i * 5) % 28:02d}"},
        "Owner": {"type": "USER_SELECT", "value": [{"code": owner[0], "name": owner[1]}]},
        "Line_items": {"type": "SUBTABLE", "value": rows},
        "Amount": {"type": "CALC", "value": str(total)},
        "Next_step": {"type": "SINGLE_LINE_TEXT", "value": "" if stage in ("Won", "Lost") else random.choice(["Send quote", "Schedule demo", "Call procurement", "Review contract"])},
        "Proposal": {"type": "FILE", "value": []},
        "Last_contact": {"type": "DATETIME", "value": ts(i * 2 + 1, 3)},
        "Status": {"type": "STATUS", "value": PSTATUS[stage]},
        "Assignee": {"type": "STATUS_ASSIGNEE", "value": [] if stage in ("Won", "Lost") else [{"code": owner[0], "name": owner[1]}]},
    })
    deal_records.append(r)
deal_records.reverse()
write(2, app(2, "DEALS", "Deals", "Sales opportunities, with line items and a lookup to Customers."), deal_fields,
      [row(("Deal_name", "SINGLE_LINE_TEXT"), ("Stage", "DROP_DOWN"), ("Probability", "NUMBER")),
       row(("Customer", "SINGLE_LINE_TEXT"), ("Customer_industry", "SINGLE_LINE_TEXT"), ("Customer_phone", "SINGLE_LINE_TEXT")),
       row(("Close_date", "DATE"), ("Owner", "USER_SELECT"), ("Last_contact", "DATETIME")),
       {"type": "SUBTABLE", "code": "Line_items", "fields": [{"type": t, "code": c, "size": {"width": "150"}} for c, t in
                                                           [("Product", "SINGLE_LINE_TEXT"), ("Quantity", "NUMBER"), ("Unit_price", "NUMBER"), ("Subtotal", "CALC")]]},
       row(("Amount", "CALC"), ("Next_step", "SINGLE_LINE_TEXT"), ("Proposal", "FILE"))], deal_records)

# --- 3. 問い合わせ管理 (Japanese field codes) ------------------------------------
inq_fields = system(lang="ja")
inq_fields.update({
    "件名": text("件名", "件名", required=True, max_len="100"),
    "顧客名": text("顧客名", "顧客名"),
    "メールアドレス": simple("LINK", "メールアドレス", "メールアドレス", defaultValue="", unique=False, minLength="", maxLength="", protocol="MAIL"),
    "問い合わせ日時": simple("DATETIME", "問い合わせ日時", "問い合わせ日時", defaultValue="", unique=False, defaultNowValue=True),
    "種別": choice("RADIO_BUTTON", "種別", "種別", ["製品について", "料金について", "その他"], required=True, default="製品について"),
    "優先度": choice("DROP_DOWN", "優先度", "優先度", ["高", "中", "低"], default="中"),
    "内容": simple("MULTI_LINE_TEXT", "内容", "内容", defaultValue=""),
    "対応者": simple("USER_SELECT", "対応者", "対応者", defaultValue=[], entities=[]),
    "対応状況": choice("DROP_DOWN", "対応状況", "対応状況", ["未対応", "対応中", "完了"], required=True, default="未対応"),
    "回答期限": simple("DATE", "回答期限", "回答期限", defaultValue="", unique=False, defaultNowValue=False),
    "添付ファイル": simple("FILE", "添付ファイル", "添付ファイル", thumbnailSize="150"),
    "対応履歴": {"type": "SUBTABLE", "code": "対応履歴", "label": "対応履歴", "noLabel": False, "fields": {
        "対応日": simple("DATE", "対応日", "対応日", defaultValue="", unique=False, defaultNowValue=True),
        "対応内容": simple("MULTI_LINE_TEXT", "対応内容", "対応内容", defaultValue=""),
        "担当": simple("USER_SELECT", "担当", "担当", defaultValue=[], entities=[]),
    }},
})
SUBJECTS = ["ログインできない", "請求書の再発行", "プランの変更について", "データの一括登録", "API の利用制限", "権限設定の相談",
            "見積もりの依頼", "アプリの複製方法", "通知が届かない", "CSV の文字化け", "契約更新の確認", "操作研修の依頼",
            "ルックアップの設定", "帳票出力の相談", "スマートフォン表示"]
inq_records = []
hist_id = 5000
for i, subject in enumerate(SUBJECTS, start=1):
    r = base_record(i, "ja", app_code="INQ")
    state = ["未対応", "対応中", "完了"][i % 3]
    owner = USERS[(i + 1) % len(USERS)]
    hist = []
    for h in range({"未対応": 0, "対応中": 1, "完了": 2}[state]):
        hist_id += 1
        hist.append({"id": str(hist_id), "value": {
            "対応日": {"type": "DATE", "value": f"2026-{1 + (i + h) % 12:02d}-{10 + h:02d}"},
            "対応内容": {"type": "MULTI_LINE_TEXT", "value": ["電話で状況を確認しました。", "手順書を送付し、解決を確認しました。"][h]},
            "担当": {"type": "USER_SELECT", "value": [{"code": owner[0], "name": owner[1]}]}}})
    r.update({
        "件名": {"type": "SINGLE_LINE_TEXT", "value": subject},
        "顧客名": {"type": "SINGLE_LINE_TEXT", "value": COMPANIES[i % len(COMPANIES)]},
        "メールアドレス": {"type": "LINK", "value": f"user{i}@example.co.jp"},
        "問い合わせ日時": {"type": "DATETIME", "value": ts(i * 3, 2)},
        "種別": {"type": "RADIO_BUTTON", "value": ["製品について", "料金について", "その他"][i % 3]},
        "優先度": {"type": "DROP_DOWN", "value": ["高", "中", "低"][i % 3]},
        "内容": {"type": "MULTI_LINE_TEXT", "value": f"{subject}について問い合わせがありました。\n詳細を確認してください。"},
        "対応者": {"type": "USER_SELECT", "value": [] if state == "未対応" else [{"code": owner[0], "name": owner[1]}]},
        "対応状況": {"type": "DROP_DOWN", "value": state},
        "回答期限": {"type": "DATE", "value": f"2026-{1 + i % 12:02d}-{15 + i % 10:02d}"},
        "添付ファイル": {"type": "FILE", "value": []},
        "対応履歴": {"type": "SUBTABLE", "value": hist},
    })
    inq_records.append(r)
inq_records.reverse()
write(3, app(3, "INQ", "問い合わせ管理", "お客様からの問い合わせと対応履歴。"), inq_fields,
      [row(("件名", "SINGLE_LINE_TEXT"), ("種別", "RADIO_BUTTON"), ("優先度", "DROP_DOWN")),
       row(("顧客名", "SINGLE_LINE_TEXT"), ("メールアドレス", "LINK"), ("問い合わせ日時", "DATETIME")),
       row(("内容", "MULTI_LINE_TEXT")),
       row(("対応者", "USER_SELECT"), ("対応状況", "DROP_DOWN"), ("回答期限", "DATE"), ("添付ファイル", "FILE")),
       {"type": "SUBTABLE", "code": "対応履歴", "fields": [{"type": t, "code": c, "size": {"width": "200"}} for c, t in
                                                     [("対応日", "DATE"), ("対応内容", "MULTI_LINE_TEXT"), ("担当", "USER_SELECT")]]}], inq_records)
print("wrote", ROOT)
