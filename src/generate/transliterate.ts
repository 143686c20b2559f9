/**
 * Turns Japanese text into ASCII words, so that field codes such as `顧客名` or `ルックアップ_0` give readable
 * property names. Kana are romanised (Hepburn); kanji and katakana words common in Kintone apps come from a small
 * dictionary (longest match first). What cannot be turned into ASCII is reported, so the caller can fall back.
 */

const KANA: Record<string, string> = {
  あ: "a",
  い: "i",
  う: "u",
  え: "e",
  お: "o",
  か: "ka",
  き: "ki",
  く: "ku",
  け: "ke",
  こ: "ko",
  が: "ga",
  ぎ: "gi",
  ぐ: "gu",
  げ: "ge",
  ご: "go",
  さ: "sa",
  し: "shi",
  す: "su",
  せ: "se",
  そ: "so",
  ざ: "za",
  じ: "ji",
  ず: "zu",
  ぜ: "ze",
  ぞ: "zo",
  た: "ta",
  ち: "chi",
  つ: "tsu",
  て: "te",
  と: "to",
  だ: "da",
  ぢ: "ji",
  づ: "zu",
  で: "de",
  ど: "do",
  な: "na",
  に: "ni",
  ぬ: "nu",
  ね: "ne",
  の: "no",
  は: "ha",
  ひ: "hi",
  ふ: "fu",
  へ: "he",
  ほ: "ho",
  ば: "ba",
  び: "bi",
  ぶ: "bu",
  べ: "be",
  ぼ: "bo",
  ぱ: "pa",
  ぴ: "pi",
  ぷ: "pu",
  ぺ: "pe",
  ぽ: "po",
  ま: "ma",
  み: "mi",
  む: "mu",
  め: "me",
  も: "mo",
  や: "ya",
  ゆ: "yu",
  よ: "yo",
  ら: "ra",
  り: "ri",
  る: "ru",
  れ: "re",
  ろ: "ro",
  わ: "wa",
  ゐ: "i",
  ゑ: "e",
  を: "o",
  ん: "n",
  ゔ: "vu",
  ぁ: "a",
  ぃ: "i",
  ぅ: "u",
  ぇ: "e",
  ぉ: "o",
  ゃ: "ya",
  ゅ: "yu",
  ょ: "yo",
  ゎ: "wa",
};

/** Two-kana sounds (a kana followed by a small kana). */
const KANA_PAIRS: Record<string, string> = {
  きゃ: "kya",
  きゅ: "kyu",
  きょ: "kyo",
  ぎゃ: "gya",
  ぎゅ: "gyu",
  ぎょ: "gyo",
  しゃ: "sha",
  しゅ: "shu",
  しょ: "sho",
  じゃ: "ja",
  じゅ: "ju",
  じょ: "jo",
  しぇ: "she",
  じぇ: "je",
  ちゃ: "cha",
  ちゅ: "chu",
  ちょ: "cho",
  ちぇ: "che",
  にゃ: "nya",
  にゅ: "nyu",
  にょ: "nyo",
  ひゃ: "hya",
  ひゅ: "hyu",
  ひょ: "hyo",
  びゃ: "bya",
  びゅ: "byu",
  びょ: "byo",
  ぴゃ: "pya",
  ぴゅ: "pyu",
  ぴょ: "pyo",
  みゃ: "mya",
  みゅ: "myu",
  みょ: "myo",
  りゃ: "rya",
  りゅ: "ryu",
  りょ: "ryo",
  ふぁ: "fa",
  ふぃ: "fi",
  ふぇ: "fe",
  ふぉ: "fo",
  てぃ: "ti",
  でぃ: "di",
  とぅ: "tu",
  どぅ: "du",
  うぃ: "wi",
  うぇ: "we",
  うぉ: "wo",
  ゔぁ: "va",
  ゔぃ: "vi",
  ゔぇ: "ve",
  ゔぉ: "vo",
  いぇ: "ye",
};

/** Words common in Kintone apps (default field labels and business vocabulary), longest match wins. */
const WORDS: Record<string, string> = {
  文字列: "text",
  複数行: "multi line",
  一行: "single line",
  行: "line",
  数値: "number",
  計算: "calc",
  日付: "date",
  日時: "datetime",
  時刻: "time",
  添付ファイル: "attachment",
  添付: "attachment",
  ファイル: "file",
  リンク: "link",
  テーブル: "table",
  ルックアップ: "lookup",
  チェックボックス: "checkbox",
  ラジオボタン: "radio button",
  ドロップダウン: "dropdown",
  複数選択: "multi select",
  選択: "select",
  ユーザー選択: "users",
  ユーザー: "user",
  組織選択: "organizations",
  組織: "organization",
  グループ選択: "groups",
  グループ: "group",
  関連レコード一覧: "related records",
  関連レコード: "related records",
  関連: "related",
  レコード番号: "record number",
  レコード: "record",
  番号: "number",
  一覧: "list",
  リッチエディター: "rich text",
  作成者: "created by",
  作成日時: "created at",
  更新者: "updated by",
  更新日時: "updated at",
  作業者: "assignee",
  ステータス: "status",
  カテゴリー: "categories",
  会社名: "company name",
  会社: "company",
  企業: "company",
  顧客名: "customer name",
  顧客: "customer",
  取引先名: "account name",
  取引先: "account",
  氏名: "full name",
  名前: "name",
  名: "name",
  姓: "last name",
  担当者名: "owner name",
  担当者: "owner",
  担当: "owner",
  部署名: "department name",
  部署: "department",
  電話番号: "phone number",
  電話: "phone",
  携帯: "mobile",
  メールアドレス: "email",
  メール: "email",
  アドレス: "address",
  住所: "address",
  郵便番号: "postal code",
  都道府県: "prefecture",
  市区町村: "city",
  金額: "amount",
  合計: "total",
  小計: "subtotal",
  単価: "unit price",
  数量: "quantity",
  価格: "price",
  税込: "tax included",
  税抜: "tax excluded",
  消費税: "consumption tax",
  税: "tax",
  割引: "discount",
  商品名: "product name",
  商品: "product",
  製品: "product",
  在庫: "stock",
  案件名: "deal name",
  案件: "deal",
  見積: "quote",
  見積もり: "quote",
  受注: "order received",
  発注: "purchase order",
  注文: "order",
  売上: "sales",
  請求: "invoice",
  支払: "payment",
  契約: "contract",
  確度: "probability",
  見込み: "forecast",
  予定日: "planned date",
  予定: "planned",
  実績: "actual",
  開始日: "start date",
  終了日: "end date",
  開始: "start",
  終了: "end",
  期限: "due date",
  締切: "deadline",
  日: "day",
  月: "month",
  年: "year",
  時間: "hours",
  備考: "notes",
  内容: "content",
  詳細: "details",
  件名: "subject",
  種別: "kind",
  種類: "kind",
  区分: "division",
  分類: "classification",
  状態: "state",
  状況: "status",
  問い合わせ: "inquiry",
  問合せ: "inquiry",
  対応: "response",
  対応者: "responder",
  回答: "answer",
  質問: "question",
  説明: "description",
  画像: "image",
  写真: "photo",
  社員: "employee",
  従業員: "employee",
  業種: "industry",
  規模: "size",
  地域: "region",
  国: "country",
  評価: "rating",
  優先度: "priority",
  重要度: "importance",
  進捗: "progress",
  完了: "done",
  未完了: "open",
  登録: "registration",
  申請: "application",
  承認: "approval",
  承認者: "approver",
  申請者: "applicant",
  理由: "reason",
  目的: "purpose",
  場所: "place",
  会議: "meeting",
  議事録: "minutes",
  タイトル: "title",
  コメント: "comment",
  メモ: "memo",
  ノート: "note",
  タスク: "task",
  プロジェクト: "project",
  コード: "code",
  タイプ: "type",
  サイズ: "size",
  カテゴリ: "category",
  管理: "management",
  台帳: "ledger",
  リスト: "list",
  明細: "line items",
  項目: "item",
  総額: "total amount",
  割合: "ratio",
  率: "rate",
  フリガナ: "furigana",
  ふりがな: "furigana",
  生年月日: "birth date",
  性別: "gender",
  年齢: "age",
  入社日: "hire date",
  退職日: "leaving date",
  役職: "position",
  部門: "division",
  拠点: "office",
  店舗: "store",
  倉庫: "warehouse",
  出荷: "shipment",
  入荷: "arrival",
  納品: "delivery",
  納期: "delivery date",
  履歴: "history",
  記録: "log",
  結果: "result",
  対応日: "response date",
  受付: "reception",
  受付日: "received date",
  ウェブサイト: "website",
  サイト: "site",
  資料: "document",
  書類: "document",
  報告: "report",
  日報: "daily report",
};

const MAX_WORD = Math.max(...Object.keys(WORDS).map((word) => word.length));

function toHiragana(char: string): string {
  const code = char.charCodeAt(0);
  return code >= 0x30a1 && code <= 0x30f6 ? String.fromCharCode(code - 0x60) : char;
}

export type Transliteration = {
  /** ASCII words in order (each lower case, possibly with digits). */
  words: string[];
  /** True when every letter-like character could be turned into ASCII. */
  complete: boolean;
};

const isAsciiAlnum = (char: string) => /^[A-Za-z0-9]$/.test(char);
const isKana = (char: string) => /^[\u3041-\u3096\u30a1-\u30fa\u30fc]$/.test(char);

/** ASCII text: NFKC leaves it as it is, and no dictionary word or kana can match. */
const ASCII_ONLY = /^[\x00-\x7f]*$/;

/** The words of ASCII text: runs of letters and digits, split at camelCase humps (the same words as below). */
function asciiWords(text: string): Transliteration {
  const words: string[] = [];
  for (const run of text.split(/[^A-Za-z0-9]+/)) {
    if (run === "") continue;
    for (const word of run.split(/(?<=[a-z0-9])(?=[A-Z])/)) words.push(word.toLowerCase());
  }
  return { words, complete: true };
}

/** Splits text into ASCII words, romanising kana and translating dictionary words. */
export function transliterate(input: string): Transliteration {
  // Most field codes are ASCII: this path is ten times faster and gives the same words (names.test.ts checks both).
  if (ASCII_ONLY.test(input)) return asciiWords(input);
  const text = input.normalize("NFKC");
  const words: string[] = [];
  let complete = true;
  let current = "";
  const flush = () => {
    if (current !== "") words.push(current);
    current = "";
  };
  let i = 0;
  while (i < text.length) {
    const char = text[i] as string;
    if (isAsciiAlnum(char)) {
      // Split camelCase and letter/digit boundaries inside ASCII runs.
      const prev = text[i - 1] ?? "";
      if (current !== "" && /[a-z0-9]/.test(prev) && /[A-Z]/.test(char)) flush();
      current += char;
      i++;
      continue;
    }
    flush();
    let matched = false;
    for (let length = Math.min(MAX_WORD, text.length - i); length > 0; length--) {
      const candidate = text.slice(i, i + length);
      const word = WORDS[candidate];
      if (word !== undefined) {
        words.push(...word.split(" "));
        i += length;
        matched = true;
        break;
      }
    }
    if (matched) continue;
    if (isKana(char)) {
      let romaji = "";
      while (i < text.length && isKana(text[i] as string)) {
        const kana = toHiragana(text[i] as string);
        const pair = KANA_PAIRS[kana + toHiragana(text[i + 1] ?? "")];
        if (kana === "っ" || kana === "ッ") {
          const next = pair ?? KANA[toHiragana(text[i + 1] ?? "")] ?? "";
          romaji += next.startsWith("ch") ? "t" : (next[0] ?? "");
          i++;
        } else if (text[i] === "ー") {
          i++; // long vowel mark: the vowel is already written once
        } else if (pair !== undefined) {
          romaji += pair;
          i += 2;
        } else {
          romaji += KANA[kana] ?? "";
          if (KANA[kana] === undefined) complete = false;
          i++;
        }
      }
      if (romaji !== "") words.push(romaji);
      continue;
    }
    if (/[\p{L}\p{N}]/u.test(char)) complete = false; // a kanji or other letter we cannot spell
    i++;
  }
  flush();
  return { words: words.map((word) => word.toLowerCase()).filter((word) => word !== ""), complete };
}
