// The SIM Renew dashboard card: every SIM card of the household, soonest deadline first, with
// renew, confirm and undo. Plain JavaScript, served by the integration itself; no build step.
// It reads the cards through one subscription (simrenew/subscribe_cards) and acts through the
// integration's own actions, so it holds no rule of its own about dates.

/* strings:begin */
const STRINGS = {
  "en": {
    "title": "SIM cards",
    "picker_description": "Every SIM card of the household, soonest deadline first: renew, confirm and undo in one place.",
    "loading": "Loading cards…",
    "empty": "No SIM cards yet. Add one under Settings → Devices & services → SIM Renew.",
    "not_running": "SIM Renew is not running, so its cards cannot be shown.",
    "days_left_one": "day left",
    "days_left_other": "days left",
    "days_past_one": "day past",
    "days_past_other": "days past",
    "status_active": "Active",
    "status_expiring_soon": "Due soon: renew by {date}",
    "status_activity_soon": "Due soon: use the card by {date}",
    "status_grace_period": "In grace period: top up by {date} or the number is lost",
    "status_expired": "Expired: the number is lost",
    "valid_until": "Valid until {date}",
    "unconfirmed": "Renewal recorded, not yet confirmed by the carrier",
    "standing": "Until then the old expiry, {date}, still counts",
    "recorded": "Recorded: valid until {date}",
    "balance": "Balance: {amount}",
    "esim": "eSIM",
    "second_number": "Second number",
    "auto_renew": "Renews itself",
    "official_page": "Official renewal page",
    "official_only": "Top up only through official channels.",
    "renew": "Renew",
    "confirm": "Confirm",
    "undo": "Undo",
    "receipts": "Receipts",
    "choose_plan": "Which plan did you buy?",
    "plan_outcome": "{plan}: valid until {date}, {amount}",
    "plan_outcome_free": "{plan}: valid until {date}",
    "no_plan": "This card has no renewal period: set one in its settings first.",
    "record_renewal": "Record renewal",
    "cancel": "Cancel",
    "confirm_date": "Expiry the carrier shows (optional)",
    "confirm_go": "Confirm renewal",
    "undo_ask": "Undo the last renewal? The expiry goes back to what it was before.",
    "undo_go": "Undo renewal",
    "no_receipts": "No renewals recorded yet.",
    "column_date": "Date",
    "column_amount": "Amount",
    "column_channel": "Channel",
    "column_payment": "Payment",
    "done_renewed": "Renewal recorded: valid until {date}.",
    "done_confirmed": "Renewal confirmed.",
    "done_undone": "Renewal undone.",
    "refused": "Not recorded: {reason}",
    "failed": "Home Assistant could not do this.",
    "editor_title": "Title",
    "editor_cards": "Cards shown (all when none is chosen)",
    "editor_hide_lost": "Hide cards whose number is lost",
    "editor_layout": "Layout",
    "layout_full": "Full",
    "layout_compact": "Compact",
    "channel_app": "Carrier app",
    "channel_website": "Carrier website",
    "channel_shop": "Shop",
    "channel_kiosk": "Kiosk or ATM",
    "channel_convenience_store": "Convenience store",
    "channel_wallet": "Alipay, WeChat Pay or other wallet",
    "channel_auto_renew": "Auto-renew",
    "channel_carrier_message": "Carrier message",
    "channel_other": "Other"
  },
  "zh-Hant": {
    "title": "SIM卡",
    "picker_description": "家中每張SIM卡，限期最近的排先：續期、確認及撤銷都在這裡。",
    "loading": "正在載入…",
    "empty": "尚未加入SIM卡。請在「設定」→「裝置與服務」→「SIM Renew」加入。",
    "not_running": "SIM Renew未有運行，無法顯示卡。",
    "days_left_one": "尚餘日數",
    "days_left_other": "尚餘日數",
    "days_past_one": "已過日數",
    "days_past_other": "已過日數",
    "status_active": "有效",
    "status_expiring_soon": "限期將至：請在{date}或之前續期",
    "status_activity_soon": "限期將至：請在{date}或之前使用此卡",
    "status_grace_period": "寬限期中：請在{date}或之前續期，否則號碼會失去",
    "status_expired": "已過期：號碼已失去",
    "valid_until": "有效至{date}",
    "unconfirmed": "已記錄續期，電訊商尚未確認",
    "standing": "確認之前，仍以原本的到期日{date}計算",
    "recorded": "已記錄：有效至{date}",
    "balance": "餘額：{amount}",
    "esim": "eSIM",
    "second_number": "第二個號碼",
    "auto_renew": "自動續期",
    "official_page": "官方續期網頁",
    "official_only": "只透過電訊商的官方渠道續期。",
    "renew": "續期",
    "confirm": "確認",
    "undo": "撤銷",
    "receipts": "收據",
    "choose_plan": "你購買了哪個計劃？",
    "plan_outcome": "{plan}：有效至{date}，{amount}",
    "plan_outcome_free": "{plan}：有效至{date}",
    "no_plan": "此卡未設定續期週期：請先在卡的設定中加入。",
    "record_renewal": "記錄續期",
    "cancel": "取消",
    "confirm_date": "電訊商顯示的到期日（可選填）",
    "confirm_go": "確認續期",
    "undo_ask": "撤銷最近一次續期？到期日會改回續期之前的日期。",
    "undo_go": "撤銷續期",
    "no_receipts": "尚未記錄續期。",
    "column_date": "日期",
    "column_amount": "金額",
    "column_channel": "渠道",
    "column_payment": "付款方式",
    "done_renewed": "已記錄續期：有效至{date}。",
    "done_confirmed": "已確認續期。",
    "done_undone": "已撤銷續期。",
    "refused": "未有記錄：{reason}",
    "failed": "Home Assistant未能完成此要求。",
    "editor_title": "標題",
    "editor_cards": "顯示的卡（未選擇即顯示全部）",
    "editor_hide_lost": "隱藏號碼已失去的卡",
    "editor_layout": "版面",
    "layout_full": "完整",
    "layout_compact": "精簡",
    "channel_app": "電訊商應用程式",
    "channel_website": "電訊商網站",
    "channel_shop": "門市",
    "channel_kiosk": "自助機或櫃員機",
    "channel_convenience_store": "便利店",
    "channel_wallet": "支付寶、微信支付或其他電子錢包",
    "channel_auto_renew": "自動續期",
    "channel_carrier_message": "電訊商訊息",
    "channel_other": "其他"
  },
  "zh-Hans": {
    "title": "SIM卡",
    "picker_description": "家里每张SIM卡，期限最近的排在前面：续费、确认和撤销都在这里。",
    "loading": "正在加载…",
    "empty": "还没有SIM卡。请在“设置”→“设备与服务”→“SIM Renew”中添加。",
    "not_running": "SIM Renew未运行，无法显示卡。",
    "days_left_one": "剩余天数",
    "days_left_other": "剩余天数",
    "days_past_one": "已过天数",
    "days_past_other": "已过天数",
    "status_active": "有效",
    "status_expiring_soon": "期限将至：请在{date}或之前续费",
    "status_activity_soon": "期限将至：请在{date}或之前使用此卡",
    "status_grace_period": "宽限期中：请在{date}或之前续费，否则号码将被收回",
    "status_expired": "已过期：号码已失效",
    "valid_until": "有效期至{date}",
    "unconfirmed": "已记录续费，运营商尚未确认",
    "standing": "确认之前，仍按原到期日{date}计算",
    "recorded": "已记录：有效期至{date}",
    "balance": "余额：{amount}",
    "esim": "eSIM",
    "second_number": "第二个号码",
    "auto_renew": "自动续费",
    "official_page": "官方续费网页",
    "official_only": "只通过运营商的官方渠道续费。",
    "renew": "续费",
    "confirm": "确认",
    "undo": "撤销",
    "receipts": "收据",
    "choose_plan": "你购买了哪个套餐？",
    "plan_outcome": "{plan}：有效期至{date}，{amount}",
    "plan_outcome_free": "{plan}：有效期至{date}",
    "no_plan": "此卡没有设置续费周期：请先在卡的设置中添加。",
    "record_renewal": "记录续费",
    "cancel": "取消",
    "confirm_date": "运营商显示的到期日（可选）",
    "confirm_go": "确认续费",
    "undo_ask": "撤销最近一次续费？到期日将改回续费之前的日期。",
    "undo_go": "撤销续费",
    "no_receipts": "还没有续费记录。",
    "column_date": "日期",
    "column_amount": "金额",
    "column_channel": "渠道",
    "column_payment": "付款方式",
    "done_renewed": "已记录续费：有效期至{date}。",
    "done_confirmed": "已确认续费。",
    "done_undone": "已撤销续费。",
    "refused": "未记录：{reason}",
    "failed": "Home Assistant未能完成此请求。",
    "editor_title": "标题",
    "editor_cards": "显示的卡（不选择则显示全部）",
    "editor_hide_lost": "隐藏号码已失效的卡",
    "editor_layout": "布局",
    "layout_full": "完整",
    "layout_compact": "紧凑",
    "channel_app": "运营商App",
    "channel_website": "运营商网站",
    "channel_shop": "营业厅",
    "channel_kiosk": "自助机或ATM",
    "channel_convenience_store": "便利店",
    "channel_wallet": "支付宝、微信支付或其他电子钱包",
    "channel_auto_renew": "自动续费",
    "channel_carrier_message": "运营商消息",
    "channel_other": "其他"
  }
};
/* strings:end */

const STATUS_COLOURS = {
  active: "var(--success-color, #43a047)",
  expiring_soon: "var(--warning-color, #ffa600)",
  grace_period: "var(--error-color, #db4437)",
  expired: "var(--disabled-text-color, #9e9e9e)",
};

/** Return the card's language for a frontend language: en, zh-Hant or zh-Hans. */
function cardLanguage(language) {
  const code = String(language || "en").toLowerCase();
  if (!code.startsWith("zh")) return "en";
  if (/hant|-hk|-tw|-mo/.test(code)) return "zh-Hant";
  if (/hans|-cn|-sg/.test(code) || code === "zh") return "zh-Hans";
  return "en";
}

/** Return the frontend's language as the viewer chose it, not the server's. */
function viewerLanguage(hass) {
  return (hass && ((hass.locale && hass.locale.language) || hass.language)) || "en";
}

/** Return a text of the card in `language` with its placeholders filled in. */
function say(language, key, values = {}) {
  const table = STRINGS[language] || STRINGS.en;
  const text = table[key] !== undefined ? table[key] : STRINGS.en[key];
  if (text === undefined) return key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? values[name] : whole));
}

/** Escape text for HTML. */
function esc(value) {
  return String(value === null || value === undefined ? "" : value)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** Write an ISO day as the viewer's locale writes a date; the day is the carrier's day. */
function writtenDate(locale, iso) {
  const [year, month, day] = String(iso).split("-").map(Number);
  if (!year || !month || !day) return esc(iso);
  return new Intl.DateTimeFormat(locale, {
    year: "numeric",
    month: "short",
    day: "numeric",
    timeZone: "UTC",
  }).format(new Date(Date.UTC(year, month - 1, day)));
}

/** Write a sum as people write it in the viewer's locale: HK$180, HK$38.50. */
function writtenMoney(locale, amount, currency) {
  if (amount === null || amount === undefined) return "";
  const whole = Number.isInteger(amount);
  try {
    return new Intl.NumberFormat(locale, {
      style: "currency",
      currency: currency || "HKD",
      minimumFractionDigits: whole ? 0 : 2,
      maximumFractionDigits: whole ? 0 : 2,
    }).format(amount);
  } catch (err) {
    return `${new Intl.NumberFormat(locale).format(amount)} ${currency || ""}`.trim();
  }
}

const STYLE = `
  :host { display: block; }
  ha-card { padding: 12px 16px 16px; }
  h2 { margin: 0 0 8px; font-size: var(--ha-card-header-font-size, 1.4em); font-weight: 400; }
  .sim { display: grid; grid-template-columns: 64px 1fr; gap: 4px 12px; padding: 12px 0;
    border-top: 1px solid var(--divider-color, rgba(127,127,127,0.2)); }
  .sim:first-of-type { border-top: none; }
  .ring { position: relative; width: 64px; height: 64px; }
  .ring svg { width: 64px; height: 64px; transform: rotate(-90deg); }
  .ring .track { stroke: var(--divider-color, rgba(127,127,127,0.25)); }
  .ring .days { position: absolute; inset: 0; display: flex; flex-direction: column;
    align-items: center; justify-content: center; line-height: 1; }
  .ring .number { font-size: 1.5em; font-weight: 600; }
  .ring .unit { font-size: 0.6em; color: var(--secondary-text-color); margin-top: 2px;
    text-align: center; }
  .head { display: flex; flex-wrap: wrap; align-items: baseline; gap: 2px 8px; min-width: 0; }
  .name { font-weight: 500; font-size: 1.1em; color: var(--primary-text-color);
    text-decoration: none; overflow-wrap: anywhere; }
  .name:hover { text-decoration: underline; }
  .carrier { color: var(--secondary-text-color); }
  .mark { font-size: 0.75em; border: 1px solid var(--divider-color, #ccc); border-radius: 8px;
    padding: 0 6px; color: var(--secondary-text-color); }
  .status { font-weight: 500; }
  .line { color: var(--secondary-text-color); font-size: 0.95em; overflow-wrap: anywhere; }
  .waiting { color: var(--warning-color, #ffa600); }
  .body { grid-column: 2; display: flex; flex-direction: column; gap: 2px; min-width: 0; }
  .official a { color: var(--primary-color); }
  .actions { display: flex; flex-wrap: wrap; gap: 8px; margin-top: 6px; }
  button { font: inherit; cursor: pointer; border-radius: 18px; padding: 6px 14px;
    border: 1px solid var(--primary-color); background: transparent; color: var(--primary-color); }
  button.primary { background: var(--primary-color); color: var(--text-primary-color, #fff); }
  button:disabled { opacity: 0.5; cursor: default; }
  .panel { grid-column: 1 / -1; margin-top: 6px; padding: 10px 12px; border-radius: 8px;
    background: var(--secondary-background-color, rgba(127,127,127,0.08)); }
  .panel label { display: flex; gap: 8px; align-items: flex-start; margin: 4px 0; }
  .panel input[type=date] { font: inherit; margin-top: 4px; padding: 4px;
    color: var(--primary-text-color); background: var(--card-background-color, #fff);
    border: 1px solid var(--divider-color, #ccc); border-radius: 4px; }
  .error { color: var(--error-color, #db4437); grid-column: 1 / -1; }
  .done { color: var(--success-color, #43a047); grid-column: 1 / -1; }
  table { border-collapse: collapse; width: 100%; font-size: 0.9em; }
  th, td { text-align: start; padding: 2px 8px 2px 0; vertical-align: top; }
  th { color: var(--secondary-text-color); font-weight: 500; }
  .compact .sim { grid-template-columns: 48px 1fr; padding: 8px 0; }
  .compact .ring, .compact .ring svg { width: 48px; height: 48px; }
  .compact .ring .number { font-size: 1.2em; }
  .message { color: var(--secondary-text-color); padding: 8px 0; }
`;

class SimRenewCard extends HTMLElement {
  constructor() {
    super();
    this.attachShadow({ mode: "open" });
    this._config = {};
    this._cards = undefined;
    this._ui = {};
    this._unsubscribe = undefined;
    this._subscribing = false;
    this._failed = false;
    this._shown = "";
  }

  static getConfigElement() {
    return document.createElement("simrenew-card-editor");
  }

  static getStubConfig() {
    return {};
  }

  setConfig(config) {
    if (!config || typeof config !== "object") throw new Error("Invalid configuration");
    if (config.cards !== undefined && !Array.isArray(config.cards)) {
      throw new Error("cards must be a list of card ids");
    }
    if (config.layout !== undefined && !["full", "compact"].includes(config.layout)) {
      throw new Error("layout must be full or compact");
    }
    this._config = { ...config };
    this._render(true);
  }

  set hass(hass) {
    this._hass = hass;
    this._subscribe();
    this._render(false);
  }

  get hass() {
    return this._hass;
  }

  connectedCallback() {
    this._subscribe();
  }

  disconnectedCallback() {
    const unsubscribe = this._unsubscribe;
    this._unsubscribe = undefined;
    if (unsubscribe) unsubscribe.then((stop) => stop()).catch(() => {});
  }

  getCardSize() {
    return 1 + 3 * (this._visible().length || 1);
  }

  getGridOptions() {
    return { columns: 12, min_columns: 4 };
  }

  _subscribe() {
    if (!this._hass || !this.isConnected || this._unsubscribe) return;
    // After a refusal (the integration not set up), ask again at most once a minute.
    if (this._retryAfter && Date.now() < this._retryAfter) return;
    this._unsubscribe = this._hass.connection.subscribeMessage(
      (message) => {
        this._cards = message.cards;
        this._failed = false;
        this._retryAfter = undefined;
        this._render(true);
      },
      { type: "simrenew/subscribe_cards" },
    );
    this._unsubscribe.catch(() => {
      // The integration is gone, or not yet loaded: say so, and try again on the next update.
      this._unsubscribe = undefined;
      this._failed = true;
      this._retryAfter = Date.now() + 60000;
      this._render(true);
    });
    if (this._hass.loadBackendTranslation) {
      // The actions' refusals, in the viewer's language.
      this._hass.loadBackendTranslation("exceptions", "simrenew");
    }
  }

  _language() {
    return cardLanguage(viewerLanguage(this._hass));
  }

  _locale() {
    return viewerLanguage(this._hass);
  }

  _visible() {
    let cards = this._cards || [];
    const chosen = this._config.cards;
    if (Array.isArray(chosen) && chosen.length) {
      cards = cards.filter((card) => chosen.includes(card.card_id));
    }
    if (this._config.hide_lost) cards = cards.filter((card) => card.status !== "expired");
    return cards;
  }

  _say(key, values) {
    return say(this._language(), key, values);
  }

  _date(iso) {
    return writtenDate(this._locale(), iso);
  }

  _money(amount, currency) {
    return writtenMoney(this._locale(), amount, currency);
  }

  _paymentMethods(card) {
    // How each renewal was paid is not sent to the card; the card's own sensor shows it.
    const sensor = card.entities && card.entities.last_renewed;
    const state = sensor && this._hass && this._hass.states[sensor];
    const receipts = (state && state.attributes && state.attributes.receipts) || [];
    return receipts.map((receipt) => receipt.payment_method || "");
  }

  _render(force) {
    const open = Object.entries(this._ui)
      .filter(([, ui]) => ui.panel === "receipts")
      .map(([id]) => id);
    const key = [
      this._locale(),
      ...open.map((id) => {
        const card = (this._cards || []).find((item) => item.card_id === id);
        return card ? this._paymentMethods(card).join("|") : "";
      }),
    ].join("\n");
    if (!force && key === this._shown) return;
    this._shown = key;
    const layout = this._config.layout === "compact" ? "compact" : "full";
    const title = this._config.title === undefined ? this._say("title") : this._config.title;
    let body;
    if (this._cards === undefined) {
      body = `<div class="message">${esc(this._say(this._failed ? "not_running" : "loading"))}</div>`;
    } else if (!this._visible().length) {
      body = `<div class="message">${esc(this._say("empty"))}</div>`;
    } else {
      body = this._visible()
        .map((card) => this._renderCard(card, layout))
        .join("");
    }
    this.shadowRoot.innerHTML = `<style>${STYLE}</style>
      <ha-card class="${layout}">
        ${title ? `<h2>${esc(title)}</h2>` : ""}
        <div class="list">${body}</div>
      </ha-card>`;
    this._wire();
  }

  _ring(card) {
    const days = card.days_left;
    const past = days < 0;
    const shown = Math.abs(days);
    const period = card.period_days || Math.max(days, 1);
    const share = past ? 1 : Math.max(0, Math.min(1, days / period));
    const colour = STATUS_COLOURS[card.status] || STATUS_COLOURS.active;
    const circumference = 2 * Math.PI * 28;
    const number = new Intl.NumberFormat(this._locale()).format(shown);
    const unit = this._say(`${past ? "days_past" : "days_left"}_${shown === 1 ? "one" : "other"}`);
    return `<div class="ring" title="${esc(number)} ${esc(unit)}">
      <svg viewBox="0 0 64 64" aria-hidden="true">
        <circle class="track" cx="32" cy="32" r="28" fill="none" stroke-width="6"></circle>
        <circle cx="32" cy="32" r="28" fill="none" stroke-width="6" stroke="${colour}"
          stroke-linecap="round" stroke-dasharray="${(share * circumference).toFixed(2)} ${circumference.toFixed(2)}"></circle>
      </svg>
      <div class="days"><span class="number">${esc(number)}</span><span class="unit">${esc(unit)}</span></div>
    </div>`;
  }

  _statusText(card) {
    if (card.status === "expiring_soon") {
      const key = card.deadline_reason === "activity" ? "status_activity_soon" : "status_expiring_soon";
      return this._say(key, { date: this._date(card.deadline) });
    }
    if (card.status === "grace_period") {
      return this._say("status_grace_period", { date: this._date(card.grace_end) });
    }
    if (card.status === "expired") return this._say("status_expired");
    return this._say("status_active");
  }

  _renderCard(card, layout) {
    const ui = this._ui[card.card_id] || {};
    const id = esc(card.card_id);
    const colour = STATUS_COLOURS[card.status] || STATUS_COLOURS.active;
    const name = card.device_id
      ? `<a class="name" href="/config/devices/device/${esc(card.device_id)}" data-device="${esc(card.device_id)}">${esc(card.name)}</a>`
      : `<span class="name">${esc(card.name)}</span>`;
    const marks = [
      card.carrier ? `<span class="carrier">${esc(card.carrier)}</span>` : "",
      card.esim ? `<span class="mark">${esc(this._say("esim"))}</span>` : "",
      card.second_number ? `<span class="mark">${esc(this._say("second_number"))}</span>` : "",
      card.auto_renew ? `<span class="mark">${esc(this._say("auto_renew"))}</span>` : "",
    ].join("");
    const lines = [];
    lines.push(`<div class="status" style="color:${colour}">${esc(this._statusText(card))}</div>`);
    if (card.unconfirmed) {
      lines.push(`<div class="line waiting">${esc(this._say("unconfirmed"))}</div>`);
      if (card.standing_expiry) {
        lines.push(`<div class="line">${esc(this._say("standing", { date: this._date(card.standing_expiry) }))}</div>`);
        lines.push(`<div class="line">${esc(this._say("recorded", { date: this._date(card.expiry_date) }))}</div>`);
      } else {
        lines.push(`<div class="line">${esc(this._say("valid_until", { date: this._date(card.expiry_date) }))}</div>`);
      }
    } else {
      lines.push(`<div class="line">${esc(this._say("valid_until", { date: this._date(card.expiry_date) }))}</div>`);
    }
    if (layout === "full") {
      if (card.balance) {
        const amount = this._money(card.balance.amount, card.balance.currency);
        lines.push(`<div class="line">${esc(this._say("balance", { amount }))}</div>`);
      }
      if (card.renewal_url && /^https:\/\//i.test(card.renewal_url)) {
        lines.push(`<div class="line official"><a href="${esc(card.renewal_url)}" target="_blank" rel="noreferrer noopener">${esc(this._say("official_page"))}</a> · ${esc(this._say("official_only"))}</div>`);
      }
    }
    const buttons = [
      `<button class="primary" data-open="renew" data-card="${id}">${esc(this._say("renew"))}</button>`,
      card.unconfirmed ? `<button data-open="confirm" data-card="${id}">${esc(this._say("confirm"))}</button>` : "",
      card.receipts.length ? `<button data-open="undo" data-card="${id}">${esc(this._say("undo"))}</button>` : "",
      layout === "full" ? `<button data-open="receipts" data-card="${id}" aria-expanded="${ui.panel === "receipts"}">${esc(this._say("receipts"))}</button>` : "",
    ].join("");
    return `<div class="sim" data-card="${id}" data-status="${esc(card.status)}">
      ${this._ring(card)}
      <div class="body">
        <div class="head">${name}${marks}</div>
        ${lines.join("")}
        <div class="actions">${buttons}</div>
      </div>
      ${this._renderPanel(card, ui)}
      ${ui.error ? `<div class="error" role="alert">${esc(ui.error)}</div>` : ""}
      ${ui.done ? `<div class="done" role="status">${esc(ui.done)}</div>` : ""}
    </div>`;
  }

  _planText(plan) {
    const values = { plan: plan.name, date: this._date(plan.new_expiry) };
    if (plan.amount === null || plan.amount === undefined) return this._say("plan_outcome_free", values);
    return this._say("plan_outcome", { ...values, amount: this._money(plan.amount, plan.currency) });
  }

  _renderPanel(card, ui) {
    const id = esc(card.card_id);
    const busy = ui.busy ? "disabled" : "";
    const cancel = `<button data-close data-card="${id}" ${busy}>${esc(this._say("cancel"))}</button>`;
    if (ui.panel === "renew") {
      if (!card.plans.length) {
        return `<div class="panel"><div>${esc(this._say("no_plan"))}</div><div class="actions">${cancel}</div></div>`;
      }
      const chosen = ui.plan || (card.plans.find((plan) => plan.default) || card.plans[0]).name;
      const choices = card.plans
        .map(
          (plan) => `<label><input type="radio" name="plan-${id}" value="${esc(plan.name)}"
            data-plan data-card="${id}" ${plan.name === chosen ? "checked" : ""}>
            <span>${esc(this._planText(plan))}</span></label>`,
        )
        .join("");
      const question = card.plans.length > 1 ? `<div>${esc(this._say("choose_plan"))}</div>` : "";
      return `<div class="panel" role="group">${question}${choices}
        <div class="actions"><button class="primary" data-act="renew" data-card="${id}" ${busy}>${esc(this._say("record_renewal"))}</button>${cancel}</div></div>`;
    }
    if (ui.panel === "confirm") {
      return `<div class="panel"><label><span>${esc(this._say("confirm_date"))}<br>
        <input type="date" data-date data-card="${id}" value="${esc(ui.date || "")}"></span></label>
        <div class="actions"><button class="primary" data-act="confirm" data-card="${id}" ${busy}>${esc(this._say("confirm_go"))}</button>${cancel}</div></div>`;
    }
    if (ui.panel === "undo") {
      return `<div class="panel"><div>${esc(this._say("undo_ask"))}</div>
        <div class="actions"><button class="primary" data-act="undo" data-card="${id}" ${busy}>${esc(this._say("undo_go"))}</button>${cancel}</div></div>`;
    }
    if (ui.panel === "receipts") {
      if (!card.receipts.length) return `<div class="panel">${esc(this._say("no_receipts"))}</div>`;
      const payments = this._paymentMethods(card);
      const rows = card.receipts
        .map((receipt, index) => {
          const channel = receipt.channel ? this._say(`channel_${receipt.channel}`) : "";
          return `<tr><td>${esc(this._date(receipt.date))}</td>
            <td>${esc(this._money(receipt.amount, receipt.currency))}</td>
            <td>${esc(channel.startsWith("channel_") ? receipt.channel : channel)}</td>
            <td>${esc(payments[index] || "")}</td></tr>`;
        })
        .join("");
      return `<div class="panel"><table>
        <thead><tr><th>${esc(this._say("column_date"))}</th><th>${esc(this._say("column_amount"))}</th>
        <th>${esc(this._say("column_channel"))}</th><th>${esc(this._say("column_payment"))}</th></tr></thead>
        <tbody>${rows}</tbody></table></div>`;
    }
    return "";
  }

  _wire() {
    const root = this.shadowRoot;
    root.querySelectorAll("a[data-device]").forEach((link) => {
      link.addEventListener("click", (event) => {
        if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
        event.preventDefault();
        history.pushState(null, "", link.getAttribute("href"));
        window.dispatchEvent(new CustomEvent("location-changed", { detail: { replace: false } }));
      });
    });
    root.querySelectorAll("button[data-open]").forEach((button) => {
      button.addEventListener("click", () => {
        const id = button.dataset.card;
        const ui = this._ui[id] || {};
        const panel = ui.panel === button.dataset.open ? undefined : button.dataset.open;
        this._ui[id] = { panel };
        this._render(true);
      });
    });
    root.querySelectorAll("button[data-close]").forEach((button) => {
      button.addEventListener("click", () => {
        this._ui[button.dataset.card] = {};
        this._render(true);
      });
    });
    root.querySelectorAll("input[data-plan]").forEach((input) => {
      input.addEventListener("change", () => {
        this._ui[input.dataset.card] = { ...this._ui[input.dataset.card], plan: input.value };
      });
    });
    root.querySelectorAll("input[data-date]").forEach((input) => {
      input.addEventListener("input", () => {
        this._ui[input.dataset.card] = { ...this._ui[input.dataset.card], date: input.value };
      });
    });
    root.querySelectorAll("button[data-act]").forEach((button) => {
      button.addEventListener("click", () => this._act(button.dataset.act, button.dataset.card));
    });
  }

  async _act(what, cardId) {
    const card = (this._cards || []).find((item) => item.card_id === cardId);
    if (!card) return;
    const ui = this._ui[cardId] || {};
    const target = card.device_id ? { device_id: card.device_id } : { entity_id: card.entities.status };
    let service;
    let data = {};
    if (what === "renew") {
      service = "renew";
      const plan = ui.plan || (card.plans.find((item) => item.default) || card.plans[0]).name;
      data = { plan };
    } else if (what === "confirm") {
      service = "confirm_renewal";
      if (ui.date) data = { expiry_date: ui.date };
    } else {
      service = "undo_renewal";
    }
    this._ui[cardId] = { ...ui, busy: true, error: undefined, done: undefined };
    this._render(true);
    try {
      const answer = await this._hass.callService("simrenew", service, data, target, false, what !== "confirm");
      let done;
      if (what === "renew") {
        const renewed = answer && answer.response && answer.response.cards && answer.response.cards[0];
        done = this._say("done_renewed", { date: this._date(renewed ? renewed.new_expiry : card.expiry_date) });
      } else {
        done = this._say(what === "confirm" ? "done_confirmed" : "done_undone");
      }
      this._ui[cardId] = { done };
    } catch (err) {
      this._ui[cardId] = { ...ui, busy: false, error: this._refusal(err) };
    }
    this._render(true);
  }

  _refusal(err) {
    const key = err && err.translation_key;
    let reason = "";
    if (key && this._hass.localize) {
      reason = this._hass.localize(`component.simrenew.exceptions.${key}.message`, err.translation_placeholders || {});
    }
    if (!reason && err && err.message) reason = String(err.message).replace(/^Validation error: /, "");
    return reason ? this._say("refused", { reason }) : this._say("failed");
  }
}

class SimRenewCardEditor extends HTMLElement {
  constructor() {
    super();
    this._config = {};
    this._cards = [];
  }

  setConfig(config) {
    this._config = { ...config };
    this._render();
  }

  set hass(hass) {
    const first = !this._hass;
    this._hass = hass;
    if (first) {
      this._unsubscribe = hass.connection.subscribeMessage(
        (message) => {
          this._cards = message.cards;
          this._render();
        },
        { type: "simrenew/subscribe_cards" },
      );
      this._unsubscribe.catch(() => {});
    }
    if (this._form) this._form.hass = hass;
    else this._render();
  }

  disconnectedCallback() {
    if (this._unsubscribe) this._unsubscribe.then((stop) => stop()).catch(() => {});
    this._unsubscribe = undefined;
    this._hass = undefined;
    this._form = undefined;
  }

  _render() {
    if (!this._hass) return;
    const language = cardLanguage(viewerLanguage(this._hass));
    const text = (key) => say(language, key);
    if (!this._form) {
      this._form = document.createElement("ha-form");
      this._form.addEventListener("value-changed", (event) => {
        const value = { ...event.detail.value };
        const config = { ...this._config };
        for (const key of ["title", "cards", "hide_lost", "layout"]) {
          const empty =
            value[key] === undefined ||
            value[key] === "" ||
            (Array.isArray(value[key]) && !value[key].length) ||
            (key === "hide_lost" && value[key] === false) ||
            (key === "layout" && value[key] === "full");
          if (empty) delete config[key];
          else config[key] = value[key];
        }
        this._config = config;
        this.dispatchEvent(new CustomEvent("config-changed", { detail: { config }, bubbles: true, composed: true }));
      });
      this.appendChild(this._form);
    }
    this._form.hass = this._hass;
    this._form.data = { layout: "full", hide_lost: false, ...this._config };
    this._form.schema = [
      { name: "title", selector: { text: {} } },
      {
        name: "cards",
        selector: {
          select: {
            multiple: true,
            mode: "list",
            options: this._cards.map((card) => ({ value: card.card_id, label: card.name })),
          },
        },
      },
      { name: "hide_lost", selector: { boolean: {} } },
      {
        name: "layout",
        selector: {
          select: {
            mode: "dropdown",
            options: [
              { value: "full", label: text("layout_full") },
              { value: "compact", label: text("layout_compact") },
            ],
          },
        },
      },
    ];
    this._form.computeLabel = (item) => text(`editor_${item.name}`);
  }
}

if (!customElements.get("simrenew-card")) {
  customElements.define("simrenew-card", SimRenewCard);
  customElements.define("simrenew-card-editor", SimRenewCardEditor);
  const home = document.querySelector("home-assistant");
  let stored;
  try {
    stored = JSON.parse(localStorage.getItem("selectedLanguage") || "null");
  } catch (err) {
    stored = null;
  }
  const language = cardLanguage(
    (home && home.hass && viewerLanguage(home.hass)) || stored || navigator.language,
  );
  window.customCards = window.customCards || [];
  window.customCards.push({
    type: "simrenew-card",
    name: "SIM Renew",
    description: say(language, "picker_description"),
    preview: true,
    documentationURL: "https://github.com/simrenew/simrenew",
  });
}
