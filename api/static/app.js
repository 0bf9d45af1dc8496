/* readiness dashboard: plain JS, no build step. The API key lives in sessionStorage only.
   Requests: api.js; words and formatting: words.js; the charts: charts.js (all on
   window.readiness). */
(function (R) {
  "use strict";

  const KEY = "readiness.key";
  const WINDOW_DAYS = 90;
  const SCALES = ["soreness", "stress", "stiffness", "pain", "fatigue", "mood", "sleep_quality"];
  const $ = (id) => document.getElementById(id);
  const state = {
    me: null,
    viewing: null, // the date of the open day card; null: today
    dates: [],
    ready: new Map(),
    checkinDates: new Set(),
    prefilled: {},
  };

  function plural(n, word) {
    return n + " " + word + (n === 1 ? "" : "s");
  }

  function isoDay(d) {
    const pad = (n) => String(n).padStart(2, "0");
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
  }

  const addDays = R.addDays;

  function daysBetween(a, b) {
    return Math.round((Date.parse(b) - Date.parse(a)) / 864e5);
  }

  function longDate(iso) {
    return new Date(iso + "T12:00:00Z").toLocaleDateString("en-GB",
      { weekday: "short", day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
  }

  function capital(s) {
    s = String(s || "");
    return s.charAt(0).toUpperCase() + s.slice(1);
  }

  const { request, api, postJson } = R.apiClient(KEY);
  const ApiError = R.ApiError;

  function setText(el, text) { if (el) el.textContent = text == null ? "" : String(text); }

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = String(text);
    return e;
  }

  function fillList(ul, items) {
    ul.replaceChildren(...(items || []).map((item) => el("li", null, item)));
  }

  /* ---------- a confirmation dialog ---------- */

  function confirmWith(title, text, ok) {
    const dialog = $("confirm");
    setText($("confirm-title"), title);
    setText($("confirm-text"), text);
    setText($("confirm-ok"), ok);
    dialog.returnValue = "";
    return new Promise((resolve) => {
      dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), { once: true });
      dialog.showModal();
      $("confirm-cancel").focus();
    });
  }

  /* ---------- sign in ---------- */

  async function signIn(key) {
    sessionStorage.setItem(KEY, key);
    let me;
    try {
      me = await api("v1/me");
    } catch (err) {
      sessionStorage.removeItem(KEY);
      setText($("signin-error"), err.status === 401 ? "That key is not valid." : err.message);
      return;
    }
    $("signin").hidden = true;
    $("app").hidden = false;
    $("signout").hidden = false;
    setText($("signin-notice"), "");
    // entries default to the athlete's today by the service's clock (its timezone, or the
    // demo's pinned day), not the browser's
    if (me.today) {
      $("checkin-form").elements.date.value = me.today;
      $("feedback-form").elements.date.value = me.today;
    }
    try {
      await refresh(me);
    } catch (err) {
      setText($("who"), "Could not load your data: " + err.message);
    }
  }

  function showMe(me) {
    const note = $("demo-clock");
    note.hidden = !me.clock_pinned;
    setText(note, me.clock_pinned ? "demo clock: " + me.today : "");
    setText($("who"), "Signed in as " + me.name + " (" + me.timezone + ")" +
      (me.last_day ? " · data " + me.first_day + " to " + me.last_day : ""));
  }

  function signOut() {
    sessionStorage.removeItem(KEY);
    location.reload();
  }

  /* ---------- the day card ---------- */

  function formatMinutes(mins) {
    if (mins == null) return "";
    if (mins < 60) return Math.round(mins) + " min since activity";
    if (mins < 48 * 60) return Math.round(mins / 60) + " h since activity";
    return Math.round(mins / 1440) + " days since activity";
  }

  function contributorItem(c) {
    const li = el("li", "contrib");
    li.dataset.signal = c.signal || "";
    const head = el("div", "c-head");
    head.append(el("span", "c-label", R.signalLabel(c.signal)),
      el("span", "c-value", R.withUnit(c.value, c.unit, c.unit === "1–5" ? null
        : R.rangeDigits(c.normal_range))));
    const range = R.range(c.normal_range, c.unit);
    if (range) head.append(el("span", "c-range", "normal " + range));
    const points = c.points == null ? 0 : Math.max(0, Math.min(100, c.points));
    const bar = el("div", "bar");
    bar.setAttribute("role", "img");
    bar.setAttribute("aria-label", R.num(points) + " of 100 points");
    const fill = el("span", "fill" + (points >= 67 ? " high" : points >= 33 ? " mid" : ""));
    fill.style.width = points + "%";
    bar.append(fill);
    const row = el("div", "c-row" + (c.weight == null ? "" : " weighed"));
    const weight = c.weight == null ? "" : " · weight " + Math.round(c.weight * 100) + " %";
    row.append(bar, el("span", "c-points", R.num(points) + " pts" + weight));
    li.append(head, row, el("p", "c-text", c.text));
    if (c.method) {
      const how = el("details", "how");
      how.append(el("summary", null, "How"), el("p", null, c.method));
      li.append(how);
    }
    return li;
  }

  R.contributorItem = contributorItem; // (the browser test renders one with a method)

  /* Personal weights (calibration.personal / personal_stiffness): whether the score is the
     athlete's own (badge), why (the reason), what the check-ins taught against the standard
     weights, and how well each followed the check-ins; the method under "How". */
  const PERSONAL_MIN_DAYS = 30; // check-in days before the first personal weights (docs/scoring.md)

  function personalBadge(p) {
    if (p.state === "active") return el("span", "badge badge-personal", "personal");
    const days = p.checkin_days || 0;
    return el("span", "badge badge-learning", "learning (" + (days < PERSONAL_MIN_DAYS
      ? days + " of " + PERSONAL_MIN_DAYS : days) + " check-in days)");
  }

  function weightItem(signal, mine, std) {
    const li = el("li", "weight");
    li.dataset.signal = signal;
    const bars = el("div", "w-bars");
    const you = el("span", "w-you");
    you.style.width = Math.round(Math.min(1, mine) * 100) + "%";
    bars.append(you);
    if (std != null) {
      const base = el("span", "w-std");
      base.style.width = Math.round(Math.min(1, std) * 100) + "%";
      bars.append(base);
    }
    li.append(el("span", "w-label", R.signalLabel(signal)), bars,
      el("span", "w-value", Math.round(mine * 100) + " %" +
        (std == null ? "" : " (standard " + Math.round(std * 100) + " %)")));
    return li;
  }

  function showPersonal(box, p) {
    const div = box.querySelector(".personal");
    if (!div) return;
    if (!p || p.state === "none") {
      div.hidden = true;
      div.replaceChildren();
      box.dataset.personal = "none";
      return;
    }
    box.dataset.personal = p.state;
    const active = p.state === "active";
    const head = el("p", "personal-head");
    // the badge already says "personal"; the reason goes on from there
    const reason = String(p.reason || "").replace(/^personal:\s*/, "");
    head.append(personalBadge(p), el("span", "personal-reason", capital(reason)));
    const parts = [head];
    const learned = p.learned || null;
    const standard = p.standard || {};
    if (learned) {
      const list = el("ul", "weights");
      list.setAttribute("aria-label", "What your check-ins taught, against the standard weights");
      for (const signal of Object.keys(learned)) {
        const mine = learned[signal] || 0;
        const std = standard[signal] == null ? null : standard[signal];
        if (mine < 0.005 && (std == null || std < 0.005)) continue;
        list.append(weightItem(signal, mine, std));
      }
      const key = el("p", "w-key muted small");
      const you = el("span", "w-swatch w-you");
      const std = el("span", "w-swatch w-std");
      key.append(document.createTextNode((active ? "What your check-ins taught: your weights "
        : "What your check-ins taught so far (not used yet): your weights ")), you,
        document.createTextNode(" against the standard "), std);
      parts.push(key, list);
    }
    const v = p.validation || {};
    if (v.personal != null && v.fixed != null) {
      parts.push(el("p", "w-fit muted small", "How closely each followed how you felt on your " +
        "check-ins: personal " + R.num(v.personal, 2) + " vs standard " + R.num(v.fixed, 2) +
        " (1 = exactly, 0 = not at all)."));
      const how = el("details", "how");
      how.append(el("summary", null, "How"), el("p", null, "ρ: Spearman " +
        (v.metric || "rank correlation with your check-ins") + (v.fitted_on ? "; the weights were learned from " +
        plural(v.fitted_on, "check-in day") : "") + ", pulled towards the standard weights " +
        "while there are few. Personal weights are used only when they follow your check-ins " +
        "clearly better than the standard ones."));
      parts.push(how);
    }
    div.replaceChildren(...parts);
    div.hidden = false;
  }

  function showScore(id, obj, kind, whyMissing, personal) {
    const box = $(id);
    const q = (sel) => box.querySelector(sel);
    showPersonal(box, obj && obj.score != null ? personal : null);
    const list = q(".contributors");
    if (!obj || obj.score == null) {
      setText(q(".value"), "–");
      setText(q(".band"), "Not enough data yet");
      setText(q(".band-means"), whyMissing || "");
      setText(q(".conf"), "");
      if (list) list.replaceChildren();
      box.dataset.band = "";
      return;
    }
    setText(q(".value"), Math.round(obj.score));
    q(".value").append(el("span", "of", "/100"));
    const type = obj.type ? " · " + obj.type : "";
    setText(q(".band"), capital(obj.band) + type);
    box.dataset.band = obj.band || "";
    setText(q(".band-means"), R.bandMeans(kind === "stiffness" ? obj.type || "load" : kind,
      obj.band));
    if (list) {
      const level = obj.confidence_level || "";
      const pct = obj.confidence == null ? "" : " (" + Math.round(obj.confidence * 100) + " %)";
      const conf = q(".conf");
      conf.replaceChildren(el("strong", null, "Confidence " + (level || "") + pct + ". "),
        document.createTextNode(R.confidenceMeans(level, obj.provisional)));
      list.replaceChildren(...(obj.contributors || []).map(contributorItem));
    }
  }

  function showFreshness(day) {
    const d = day.data || {};
    const parts = [];
    if ("last_night" in d) parts.push("latest night " + (d.last_night || "none"));
    if ("last_activity" in d) parts.push("latest activity " + (d.last_activity || "none"));
    setText($("today-fresh"), parts.length ? "Data: " + parts.join(" · ") : "");
    const stale = d.stale === true || (day.recommendation || {}).action === "no_recent_data";
    $("today-stale").hidden = !stale;
    const latest = [d.last_night, d.last_activity].filter(Boolean).sort().pop();
    setText($("today-stale"), !stale ? "" : latest
      ? "No fresh data for this day: your latest data is from " + latest + " (" +
        plural(daysBetween(latest, day.date), "day") + " before). Sync your device or upload a " +
        "newer export for a call that reflects the day."
      : "No data from your device for this day: sync it or upload an export.");
  }

  function showDay(day, isToday) {
    $("today-empty").hidden = true;
    $("today-body").hidden = false;
    const rec = day.recommendation || {};
    setText($("day-label"), isToday ? "Today" : new Date(day.date + "T12:00:00Z")
      .toLocaleDateString("en-GB", { weekday: "long", day: "numeric", month: "long", timeZone: "UTC" }));
    setText($("today-date"), day.date);
    $("back-today").hidden = isToday;
    $("today").dataset.date = day.date;
    setText($("today-action"), R.actionText(rec.action));
    $("today-action").dataset.action = rec.action || "";
    $("today-call").style.borderLeftColor = R.actionColour(rec.action);
    setText($("action-means"), R.actionMeans(rec.action));
    fillList($("today-reasons"), rec.reasons);
    fillList($("today-notes"), rec.notes);
    const evidence = rec.evidence || [];
    $("evidence-row").hidden = evidence.length === 0;
    setText($("evidence-keys"), evidence.map(R.evidenceKey).join(" · "));
    $("today-evidence").replaceChildren(...evidence.map(R.evidenceItem));
    const cal = day.calibration || {};
    const why = (cal.reasons || []).join(" ");
    showScore("score-stress", day.nervous_system_stress, "stress", why, cal.personal);
    showScore("score-stiffness", day.physical_stiffness, "stiffness", why,
      cal.personal_stiffness);
    const w = day.warmth || {};
    showScore("score-warmth", w.score == null ? null : { score: w.score, band: w.band },
      "warmth");
    const mins = formatMinutes(w.minutes_since_activity);
    if (w.score != null) {
      const means = $("score-warmth").querySelector(".band-means");
      setText(means, R.bandMeans("warmth", w.band) + (mins ? " (" + mins + ")" : ""));
    }
    setText($("today-calibration"), cal.state
      ? "Baseline: " + cal.state + " (" + plural(cal.valid_nights, "valid night") + ")" : "");
    showFreshness(day);
    if (rec.disclaimer) setText($("disclaimer"), rec.disclaimer);
    if (isToday && rec.action in R.ACTIONS) $("feedback-form").elements.action.value = rec.action;
    R.chooseChartDay(day.date);
    markHistory(day.date);
  }

  async function loadDay() {
    if (!state.me.first_day) {
      $("today-empty").hidden = false;
      $("today-body").hidden = true;
      setText($("today-date"), state.me.today || "");
      return;
    }
    const today = state.viewing == null || state.viewing === state.me.today;
    const day = await api(today ? "v1/readiness/today" : "v1/readiness/" + state.viewing);
    showDay(day, today);
  }

  async function openDay(date) {
    state.viewing = date === state.me.today ? null : date;
    $("checkin-form").elements.date.value = date;
    $("feedback-form").elements.date.value = date;
    await Promise.all([loadDay(), prefillCheckin(date)]);
    const rec = (state.ready.get(date) || {}).recommendation;
    if (rec && rec.action in R.ACTIONS) $("feedback-form").elements.action.value = rec.action;
    $("today").scrollIntoView({ block: "start" });
  }

  /* ---------- the last 90 days: history strip and charts ---------- */

  async function pages(path, start, end) {
    const out = [];
    for (let offset = 0; ; offset += 366) {
      const page = await api(path + "?start=" + start + "&end=" + end + "&limit=366&offset=" + offset);
      out.push(...page.data);
      if (out.length >= page.count || page.data.length === 0) return out;
    }
  }

  function windowEnd(me) {
    // With only old data (e.g. an export from long ago), show the 90 days that have data.
    if (me.last_day && me.today && daysBetween(me.last_day, me.today) > 30) return me.last_day;
    return me.today || isoDay(new Date());
  }

  async function loadWindow() {
    const end = windowEnd(state.me);
    const start = addDays(end, -(WINDOW_DAYS - 1));
    const dates = [];
    for (let d = start; d <= end; d = addDays(d, 1)) dates.push(d);
    state.dates = dates;
    if (!state.me.first_day) {
      state.ready = new Map();
      state.checkinDates = new Set();
      drawHistory();
      R.destroyCharts();
      $("chart-empty").hidden = false;
      return;
    }
    const [ready, days, sessions, checkins] = await Promise.all([
      pages("v1/readiness", start, end), pages("v1/days", start, end),
      pages("v1/sessions", start, end), pages("v1/checkins", start, end),
    ]);
    state.ready = new Map(ready.map((r) => [r.date, r]));
    state.checkinDates = new Set(checkins.map((c) => c.date));
    state.window = { start, end };
    drawHistory();
    const drawn = R.drawCharts({ dates, ready: state.ready, days, sessions }, openDay);
    $("chart-empty").hidden = drawn.points > 0;
    const load = drawn.load;
    setText($("chart-load-note"), "Training load: " + load.note +
      (load.skipped ? " · " + plural(load.skipped, "workout") + " without it not drawn" : "") + ".");
  }

  function drawHistory() {
    const strip = $("history");
    const seen = new Set();
    const cells = state.dates.map((date) => {
      const day = state.ready.get(date);
      const action = day && day.recommendation ? day.recommendation.action : "";
      const b = el("button", "cell" + (action ? "" : " empty"));
      b.type = "button";
      b.dataset.date = date;
      b.dataset.action = action;
      b.tabIndex = -1;
      const label = longDate(date) + ": " + (action ? R.actionText(action) : "no call (no data yet)");
      b.setAttribute("aria-label", label);
      b.title = label;
      if (action) {
        b.style.backgroundColor = R.actionColour(action);
        seen.add(action);
      } else b.disabled = true;
      return b;
    });
    strip.replaceChildren(...cells);
    setText($("history-first"), state.dates.length ? longDate(state.dates[0]) : "");
    setText($("history-last"), state.dates.length ? longDate(state.dates[state.dates.length - 1]) : "");
    $("history-legend").replaceChildren(...Object.keys(R.ACTIONS).filter((a) => seen.has(a)).map(
      (a) => {
        const li = el("li");
        const sw = el("span", "swatch" + (a === "no_recent_data" ? " outlined" : ""));
        sw.style.backgroundColor = R.actionColour(a);
        li.append(sw, document.createTextNode(R.actionText(a)));
        return li;
      }));
    markHistory($("today").dataset.date);
  }

  /* The open day's square is pressed and is the strip's one tab stop (arrow keys move). */
  function markHistory(date) {
    const cells = [...$("history").querySelectorAll(".cell")];
    const enabled = cells.filter((c) => !c.disabled);
    const current = enabled.find((c) => c.dataset.date === date) || enabled[enabled.length - 1];
    for (const c of cells) {
      c.setAttribute("aria-pressed", String(c === current && c.dataset.date === date));
      c.tabIndex = c === current ? 0 : -1;
    }
  }

  function onHistoryKey(event) {
    const cells = [...$("history").querySelectorAll(".cell:not([disabled])")];
    const i = cells.indexOf(document.activeElement);
    if (i < 0) return;
    const step = { ArrowLeft: -1, ArrowRight: 1, Home: -i, End: cells.length - 1 - i }[event.key];
    if (step == null) return;
    event.preventDefault();
    const next = cells[Math.max(0, Math.min(cells.length - 1, i + step))];
    cells[i].tabIndex = -1;
    next.tabIndex = 0;
    next.focus();
  }

  /* ---------- everything ---------- */

  async function refresh(me) {
    state.me = me || (await api("v1/me"));
    showMe(state.me);
    await loadWindow();
    await loadDay();
    await Promise.all([loadUploads(false), prefillCheckin($("checkin-form").elements.date.value)]);
  }

  /* ---------- check-in, pre-filled with the day's answers ---------- */

  async function hasCheckin(date) {
    const w = state.window;
    if (w && date >= w.start && date <= w.end) return state.checkinDates.has(date);
    const page = await api("v1/checkins?start=" + date + "&end=" + date + "&limit=1");
    return page.count > 0;
  }

  function setSelect(select, value) {
    const v = value == null ? "" : String(Number(value));
    if (v && ![...select.options].some((o) => o.value === v)) select.appendChild(new Option(v, v));
    select.value = v;
  }

  async function prefillCheckin(date) {
    const form = $("checkin-form");
    const status = $("checkin-prefill");
    let row = null;
    if (date && /^\d{4}-\d{2}-\d{2}$/.test(date) && state.me && state.me.first_day) {
      try {
        if (await hasCheckin(date)) row = await api("v1/checkins/" + date);
      } catch (err) {
        if (err.status !== 404) throw err;
      }
    }
    if (form.elements.date.value !== date) return; // the date changed meanwhile
    const filled = {};
    for (const name of SCALES) {
      setSelect(form.elements[name], row && row[name]);
      filled[name] = form.elements[name].value;
    }
    form.elements.pain_site.value = (row && row.pain_site) || "";
    filled.pain_site = form.elements.pain_site.value;
    form.elements.sick.checked = Boolean(row && row.sick);
    filled.sick = form.elements.sick.checked;
    state.prefilled = filled;
    form.dataset.prefilled = row ? date : "";
    setText(status, row ? "Your answers for " + date + " so far: change any and save."
      : "No answers for " + date + " yet.");
  }

  /* The fields changed from the day's answers: a cleared field sends null (it clears that
     answer, also one read from an uploaded file); the others keep the day's answers. */
  function changedAnswers(form) {
    const out = { date: form.elements.date.value };
    const before = state.prefilled;
    for (const name of SCALES.concat(["pain_site"])) {
      const v = form.elements[name].value;
      if (v === (before[name] || "")) continue;
      out[name] = v === "" ? null : name === "pain_site" ? v : Number(v);
    }
    if (form.elements.sick.checked !== Boolean(before.sick)) out.sick = form.elements.sick.checked;
    return out;
  }

  async function onCheckin(event) {
    event.preventDefault();
    const body = changedAnswers(event.target);
    try {
      await postJson("v1/checkins", body);
      setText($("checkin-status"), "Saved for " + body.date + ".");
      await refresh();
    } catch (err) {
      setText($("checkin-status"), "Not saved: " + err.message);
    }
  }

  /* ---------- feedback ---------- */

  function formJson(form, numeric) {
    const out = {};
    for (const e of form.elements) {
      if (!e.name) continue;
      out[e.name] = e.value === "" ? null : numeric.includes(e.name) ? Number(e.value) : e.value;
    }
    return out;
  }

  async function onFeedback(event) {
    event.preventDefault();
    const body = formJson(event.target, ["helped"]);
    try {
      await postJson("v1/feedback", body);
      setText($("feedback-status"), "Thanks — noted.");
    } catch (err) {
      setText($("feedback-status"), "Not saved: " + err.message);
    }
  }

  /* ---------- uploads ---------- */

  function uploadFile(file) {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      const bar = $("upload-progress");
      xhr.open("POST", "v1/uploads");
      xhr.setRequestHeader("Authorization", "Bearer " + sessionStorage.getItem(KEY));
      xhr.upload.onprogress = (e) => {
        if (e.lengthComputable) bar.value = Math.round((100 * e.loaded) / e.total);
      };
      xhr.onload = () => {
        let body = null;
        try { body = xhr.responseText ? JSON.parse(xhr.responseText) : null; } catch (e) { body = null; }
        if (xhr.status >= 200 && xhr.status < 300) resolve({ status: xhr.status, body });
        else reject(new ApiError(xhr.status, body));
      };
      xhr.onerror = () => reject(new Error("network error"));
      const form = new FormData();
      form.append("file", file);
      bar.hidden = false;
      bar.value = 0;
      xhr.send(form);
    });
  }

  function counts(u) {
    return plural(u.days, "day") + ", " + plural(u.sessions, "workout") + ", " +
      plural(u.checkins, "check-in");
  }

  async function onUpload(event) {
    event.preventDefault();
    const file = $("upload-file").files[0];
    if (!file) return;
    setText($("upload-status"), "Uploading…");
    fillList($("upload-warnings"), []);
    try {
      let { status, body } = await uploadFile(file);
      while (body.status === "queued" || body.status === "processing") {
        const read = body.bytes ? Math.floor((100 * (body.progress_bytes || 0)) / body.bytes) : 0;
        setText($("upload-status"), body.status === "queued"
          ? "Queued " + body.filename + "…"
          : "Reading " + body.filename + "… " + read + " %");
        await new Promise((r) => setTimeout(r, 1000));
        body = await api("v1/uploads/" + body.id);
      }
      if (body.status === "failed") {
        setText($("upload-status"), "Could not read it: " + ((body.error && body.error.detail) || "failed"));
      } else {
        const again = status === 200 ? " (already uploaded before)" : "";
        setText($("upload-status"), body.filename + ": " + counts(body) + again);
      }
      fillList($("upload-warnings"), (body.warnings || []).map((w) => w.message));
      $("upload-file").value = "";
      await refresh();
    } catch (err) {
      setText($("upload-status"), "Upload failed: " + err.message);
    } finally {
      $("upload-progress").hidden = true;
    }
  }

  function bytes(n) {
    if (n < 1024) return n + " B";
    if (n < 1024 * 1024) return Math.round(n / 1024) + " KB";
    return (n / 1024 / 1024).toFixed(1) + " MB";
  }

  function uploadItem(u) {
    const li = el("li", "upload");
    li.dataset.id = u.id;
    li.dataset.status = u.status;
    const main = el("div", "upload-main");
    const name = el("span", "fname", u.filename);
    name.title = u.filename;
    main.append(name, el("span", "status status-" + u.status, u.status));
    const when = new Date(u.created).toLocaleString("en-GB",
      { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit" });
    const read = [[u.days, "day"], [u.sessions, "workout"], [u.checkins, "check-in"]]
      .filter(([n]) => n > 0).map(([n, w]) => plural(n, w)).join(", ");
    const detail = u.status === "failed"
      ? (u.error && u.error.detail) || "could not be read"
      : u.status === "done" ? read || "nothing to read" : u.status + "…";
    const meta = el("p", "upload-meta muted small", when + " · " + bytes(u.bytes) + " · " + detail);
    const del = el("button", "quiet small-button", "Delete");
    del.type = "button";
    del.setAttribute("aria-label", "Delete the upload " + u.filename);
    del.addEventListener("click", () => deleteUpload(u));
    const text = el("div", "upload-text");
    text.append(main, meta);
    li.append(text, del);
    return li;
  }

  const UPLOADS_PAGE = 10;

  /* The newest uploads; `more` appends the next page to the list shown. */
  async function loadUploads(more) {
    const list = $("uploads");
    const offset = more ? list.children.length : 0;
    const limit = more ? UPLOADS_PAGE : Math.max(UPLOADS_PAGE, list.children.length);
    const page = await api("v1/uploads?limit=" + limit + "&offset=" + offset);
    const items = page.data.map(uploadItem);
    if (more) list.append(...items);
    else list.replaceChildren(...items);
    $("uploads-empty").hidden = page.count > 0;
    $("uploads-more-row").hidden = page.count <= list.children.length;
    setText($("uploads-count"), list.children.length + " of " + page.count + " shown");
  }

  async function deleteUpload(u) {
    const ok = await confirmWith("Delete " + u.filename + "?",
      "Its rows are removed and your days are rebuilt from your other uploads. This cannot be " +
      "undone.", "Delete upload");
    if (!ok) return;
    try {
      await request("v1/uploads/" + encodeURIComponent(u.id), { method: "DELETE" });
      setText($("upload-status"), "Deleted " + u.filename + ".");
      await refresh();
    } catch (err) {
      setText($("upload-status"), "Not deleted: " + err.message);
    }
  }

  /* ---------- your data: export and delete ---------- */

  async function onExport() {
    setText($("data-status"), "Preparing your export…");
    try {
      const res = await request("v1/export");
      const blob = await res.blob();
      const found = /filename="([^"]+)"/.exec(res.headers.get("Content-Disposition") || "");
      const name = found ? found[1] : "readiness-export.zip";
      const url = URL.createObjectURL(blob);
      const a = el("a");
      a.href = url;
      a.download = name;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60000);
      setText($("data-status"), "Downloaded " + name + " (" + bytes(blob.size) + ").");
    } catch (err) {
      setText($("data-status"), "Export failed: " + err.message);
    }
  }

  async function onDeleteAccount() {
    const ok = await confirmWith("Delete your account?",
      "This deletes your daily data, workouts, check-ins, feedback, readiness and uploads, and " +
      "your API key stops working. It cannot be undone: download your data first.",
      "Delete my account");
    if (!ok) return;
    try {
      await request("v1/me", { method: "DELETE" });
    } catch (err) {
      setText($("data-status"), "Not deleted: " + err.message);
      return;
    }
    sessionStorage.removeItem(KEY);
    R.destroyCharts();
    $("app").hidden = true;
    $("signout").hidden = true;
    $("signin").hidden = false;
    setText($("signin-notice"), "Your account and all its data were deleted.");
  }

  function fillScale(select, blank) {
    if (blank) select.appendChild(new Option("–", ""));
    for (let i = 1; i <= 5; i++) select.appendChild(new Option(String(i), String(i)));
  }

  /* The two sub-score boxes, from one template. */
  function buildScores() {
    const template = $("score-template");
    for (const [id, title] of [["score-stress", "Nervous-system stress"],
      ["score-stiffness", "Physical stiffness"]]) {
      const box = $(id);
      box.replaceChildren(template.content.cloneNode(true));
      const h = box.querySelector("h3");
      h.id = id + "-title";
      h.textContent = title;
    }
  }

  function init() {
    buildScores();
    const today = isoDay(new Date());
    const checkin = $("checkin-form");
    for (const sel of checkin.querySelectorAll("select")) fillScale(sel, true);
    checkin.elements.date.value = today;
    const fb = $("feedback-form");
    for (const code of Object.keys(R.ACTIONS)) fb.elements.action.appendChild(new Option(R.actionText(code), code));
    fillScale(fb.elements.helped, false);
    fb.elements.date.value = today;
    $("signin-form").addEventListener("submit", (e) => {
      e.preventDefault();
      setText($("signin-error"), "");
      signIn($("key").value.trim());
      $("key").value = "";
    });
    $("signout").addEventListener("click", signOut);
    $("back-today").addEventListener("click", () => openDay(state.me.today));
    $("history").addEventListener("click", (e) => {
      const cell = e.target.closest(".cell");
      if (cell && !cell.disabled) openDay(cell.dataset.date);
    });
    $("history").addEventListener("keydown", onHistoryKey);
    $("upload-form").addEventListener("submit", onUpload);
    checkin.addEventListener("submit", onCheckin);
    checkin.elements.date.addEventListener("change", () => prefillCheckin(checkin.elements.date.value));
    fb.addEventListener("submit", onFeedback);
    $("uploads-more").addEventListener("click", () => loadUploads(true));
    $("export").addEventListener("click", onExport);
    $("delete-account").addEventListener("click", onDeleteAccount);
    const saved = sessionStorage.getItem(KEY);
    if (saved) signIn(saved);
  }

  init();
})(window.readiness = window.readiness || {});
