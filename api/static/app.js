/* readiness dashboard: plain JS, no build step. The API key lives in sessionStorage only. */
(function () {
  "use strict";

  const KEY = "readiness.key";
  const ACTIONS = {
    physiotherapy_assessment: "See a physiotherapist",
    rest: "Rest today",
    relaxation_massage: "Book a relaxation massage",
    therapeutic_massage: "Book a therapeutic (sports) massage",
    massage_then_stretching: "Massage, then assisted stretching",
    light_movement_then_stretching: "Move lightly first, then stretch",
    assisted_stretching: "Assisted stretching",
    none: "Nothing needed today",
    no_recent_data: "No recent data: sync your device or upload a newer export",
  };
  const $ = (id) => document.getElementById(id);
  const charts = [];
  let lastDay = null;

  function words(action) {
    return ACTIONS[action] || String(action || "").replace(/_/g, " ");
  }

  function plural(n, word) {
    return n + " " + word + (n === 1 ? "" : "s");
  }

  function isoDay(d) {
    const pad = (n) => String(n).padStart(2, "0");
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
  }

  function addDays(iso, n) {
    const d = new Date(iso + "T12:00:00Z");
    d.setUTCDate(d.getUTCDate() + n);
    return d.toISOString().slice(0, 10);
  }

  class ApiError extends Error {
    constructor(status, problem) {
      super((problem && (problem.detail || problem.title)) || "HTTP " + status);
      this.status = status;
      this.problem = problem;
    }
  }

  async function api(path, options) {
    const opts = Object.assign({ headers: {} }, options || {});
    opts.headers = Object.assign({ Authorization: "Bearer " + sessionStorage.getItem(KEY) },
      opts.headers);
    const res = await fetch(path, opts);
    const text = await res.text();
    const body = text ? JSON.parse(text) : null;
    if (!res.ok) throw new ApiError(res.status, body);
    return body;
  }

  function setText(el, text) { el.textContent = text == null ? "" : String(text); }

  function fillList(ul, items) {
    ul.replaceChildren();
    for (const item of items || []) {
      const li = document.createElement("li");
      li.textContent = item;
      ul.appendChild(li);
    }
  }

  /* ---------- sign in ---------- */

  async function signIn(key) {
    sessionStorage.setItem(KEY, key);
    try {
      const me = await api("v1/me");
      $("signin").hidden = true;
      $("app").hidden = false;
      $("signout").hidden = false;
      lastDay = me.last_day;
      showClock(me);
      // entries default to the athlete's today by the service's clock (its timezone, or the
      // demo's pinned day), not the browser's
      if (me.today) {
        $("checkin-form").elements.date.value = me.today;
        $("feedback-form").elements.date.value = me.today;
      }
      setText($("who"), "Signed in as " + me.name + " (" + me.timezone + ")" +
        (me.last_day ? " · data " + me.first_day + " to " + me.last_day : ""));
      await refresh();
    } catch (err) {
      sessionStorage.removeItem(KEY);
      setText($("signin-error"), err.status === 401 ? "That key is not valid." : err.message);
    }
  }

  /* A small note when the service's clock is pinned (READINESS_NOW, e.g. `readiness demo`). */
  function showClock(me) {
    const note = $("demo-clock");
    note.hidden = !me.clock_pinned;
    setText(note, me.clock_pinned ? "demo clock: " + me.today : "");
  }

  function signOut() {
    sessionStorage.removeItem(KEY);
    location.reload();
  }

  /* ---------- today ---------- */

  function showScore(id, obj, extra) {
    const box = $(id);
    const [value, band, conf] = box.querySelectorAll("p");
    if (!obj) {
      setText(value, "–");
      setText(band, "not enough data yet");
      setText(conf, "");
      return;
    }
    setText(value, obj.score == null ? "–" : Math.round(obj.score));
    setText(band, (obj.band || "") + (extra ? " · " + extra : ""));
    const level = obj.confidence_level || "";
    const c = obj.confidence == null ? "" : " (" + Math.round(obj.confidence * 100) + " %)";
    setText(conf, level || c ? "confidence " + level + c : "");
  }

  async function loadToday() {
    let day;
    try {
      day = await api("v1/readiness/today");
    } catch (err) {
      if (err.status === 404) {
        $("today-empty").hidden = false;
        $("today-body").hidden = true;
        return;
      }
      throw err;
    }
    $("today-empty").hidden = true;
    $("today-body").hidden = false;
    const rec = day.recommendation || {};
    setText($("today-date"), day.date);
    setText($("today-action"), words(rec.action));
    $("today-action").dataset.action = rec.action || "";
    if (rec.action in ACTIONS) $("feedback-form").elements.action.value = rec.action;
    fillList($("today-reasons"), rec.reasons);
    fillList($("today-notes"), rec.notes);
    showScore("score-stress", day.nervous_system_stress);
    const st = day.physical_stiffness;
    showScore("score-stiffness", st, st && st.type ? st.type : "");
    const w = day.warmth;
    const mins = w && w.minutes_since_activity;
    showScore("score-warmth", w && { score: w.score, band: w.band },
      mins == null ? "" : mins < 24 * 60 ? Math.round(mins) + " min since activity"
        : "no activity in the last day");
    const cal = day.calibration || {};
    setText($("today-calibration"), cal.state
      ? "Baseline: " + cal.state + " (" + cal.valid_nights + " valid nights)" : "");
    if (rec.disclaimer) setText($("disclaimer"), rec.disclaimer);
    const gap = lastDay ? Math.round((Date.parse(day.date) - Date.parse(lastDay)) / 864e5) : 0;
    $("today-stale").hidden = gap <= 2;
    setText($("today-stale"), "Your latest data is from " + lastDay + " (" + gap +
      " days ago): upload a recent export for a call that reflects today.");
  }

  /* ---------- 90-day chart ---------- */

  function hrvContributor(day) {
    const s = day && day.nervous_system_stress;
    const found = ((s && s.contributors) || []).filter((c) => c.value != null);
    return found.find((c) => c.signal === "hrv_7d") || null;
  }

  function toLn(value, unit) {
    if (value == null) return null;
    return /ln/i.test(unit || "") ? value : Math.log(value);
  }

  async function pages(path, start, end) {
    const out = [];
    for (let offset = 0; ; offset += 366) {
      const page = await api(path + "?start=" + start + "&end=" + end + "&limit=366&offset=" + offset);
      out.push(...page.data);
      if (out.length >= page.count || page.data.length === 0) return out;
    }
  }

  function rolling7(values) {
    return values.map((_, i) => {
      const win = values.slice(Math.max(0, i - 6), i + 1).filter((v) => v != null);
      return win.length >= 3 ? win.reduce((a, b) => a + b, 0) / win.length : null;
    });
  }

  async function loadChart() {
    const today = $("today-date").textContent || isoDay(new Date());
    // With no recent data (e.g. the demo's sample), show the 90 days that have data.
    const end = lastDay && lastDay < today ? lastDay : today;
    const start = addDays(end, -89);
    const [ready, days, sessions] = await Promise.all([
      pages("v1/readiness", start, end), pages("v1/days", start, end),
      pages("v1/sessions", start, end),
    ]);
    const dates = [];
    for (let d = start; d <= end; d = addDays(d, 1)) dates.push(d);
    const idx = new Map(dates.map((d, i) => [d, i]));
    const empty = () => dates.map(() => null);
    const lnMean = empty(), lo = empty(), hi = empty(), rhr = empty(), load = empty();
    const stress = empty(), stiff = empty(), lnDaily = empty();
    for (const r of ready) {
      const i = idx.get(r.date);
      if (i == null) continue;
      stress[i] = r.nervous_system_stress ? r.nervous_system_stress.score : null;
      stiff[i] = r.physical_stiffness ? r.physical_stiffness.score : null;
      const c = hrvContributor(r);
      if (c) {
        lnMean[i] = toLn(c.value, c.unit);
        if (c.normal_range) {
          lo[i] = toLn(c.normal_range[0], c.unit);
          hi[i] = toLn(c.normal_range[1], c.unit);
        }
      }
    }
    for (const d of days) {
      const i = idx.get(d.date);
      if (i == null) continue;
      rhr[i] = d.resting_hr_bpm;
      lnDaily[i] = d.hrv_rmssd_ms ? Math.log(d.hrv_rmssd_ms) : null;
    }
    if (lnMean.every((v) => v == null)) lnMean.splice(0, lnMean.length, ...rolling7(lnDaily));
    for (const s of sessions) {
      const i = idx.get(s.date);
      const v = s.trimp != null ? s.trimp : s.vendor_load;
      if (i == null || v == null) continue;
      load[i] = (load[i] || 0) + v;
    }
    const x = dates.map((d) => Date.parse(d + "T00:00:00Z") / 1000);
    const count = (arrs) => arrs.reduce((n, a) => n + a.filter((v) => v != null).length, 0);
    charts.forEach((c) => c.destroy());
    charts.length = 0;
    const width = Math.max(320, $("chart-hrv").clientWidth || 800);
    const common = { width, height: 240, tzDate: (ts) => uPlot.tzDate(new Date(ts * 1e3), "Etc/UTC") };
    const n1 = count([lnMean, rhr]);
    const n2 = count([load, stress, stiff]);
    $("chart-empty").hidden = n1 + n2 > 0;
    charts.push(new uPlot(Object.assign({}, common, {
      title: "lnRMSSD 7-day mean and resting HR",
      scales: { ln: {}, bpm: {} },
      series: [
        {},
        { label: "normal range (low)", scale: "ln", stroke: "rgba(47,111,159,0.25)", width: 1,
          points: { show: false } },
        { label: "normal range (high)", scale: "ln", stroke: "rgba(47,111,159,0.25)", width: 1,
          points: { show: false } },
        { label: "lnRMSSD 7-d mean", scale: "ln", stroke: "#2f6f9f", width: 2, spanGaps: true },
        { label: "resting HR (bpm)", scale: "bpm", stroke: "#a23030", width: 1.5,
          points: { size: 4 } },
      ],
      bands: [{ series: [2, 1], fill: "rgba(47,111,159,0.12)" }],
      axes: [{}, { scale: "ln", label: "ln ms" },
        { scale: "bpm", side: 1, label: "bpm", grid: { show: false } }],
    }), [x, lo, hi, lnMean, rhr], $("chart-hrv")));
    charts.push(new uPlot(Object.assign({}, common, {
      title: "Training load and sub-scores",
      scales: { load: { range: (u, min, max) => [0, Math.max(10, max * 1.1)] },
        score: { range: [0, 100] } },
      series: [
        {},
        { label: "training load (AU)", scale: "load", stroke: "#7a8aa0",
          fill: "rgba(122,138,160,0.35)", paths: uPlot.paths.bars({ size: [0.7, 40] }) },
        { label: "nervous-system stress", scale: "score", stroke: "#9a5b00", width: 2 },
        { label: "physical stiffness", scale: "score", stroke: "#2e7d4f", width: 2 },
      ],
      axes: [{}, { scale: "load", label: "AU" },
        { scale: "score", side: 1, label: "0–100", grid: { show: false } }],
    }), [x, load, stress, stiff], $("chart-scores")));
    $("chart-hrv").dataset.points = String(n1);
    $("chart-scores").dataset.points = String(n2);
  }

  async function refresh() {
    const me = await api("v1/me");
    lastDay = me.last_day;
    showClock(me);
    await loadToday();
    await loadChart();
  }

  /* ---------- forms ---------- */

  function fillScale(select, blank) {
    if (blank) select.appendChild(new Option("–", ""));
    for (let i = 1; i <= 5; i++) select.appendChild(new Option(String(i), String(i)));
  }

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
        const body = xhr.responseText ? JSON.parse(xhr.responseText) : null;
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
        setText($("upload-status"), body.filename + ": " + plural(body.days, "day") + ", " +
          plural(body.sessions, "session") + ", " + plural(body.checkins, "check-in") + again);
      }
      fillList($("upload-warnings"), (body.warnings || []).map((w) => w.message));
      await refresh();
    } catch (err) {
      setText($("upload-status"), "Upload failed: " + err.message);
    } finally {
      $("upload-progress").hidden = true;
    }
  }

  // answered: only the fields the athlete filled in (a check-in keeps the day's other answers,
  // also those read from uploaded files; an unticked box says nothing)
  function formJson(form, numeric, answered) {
    const out = {};
    for (const el of form.elements) {
      if (!el.name) continue;
      if (el.type === "checkbox") {
        if (el.checked || !answered) out[el.name] = el.checked;
      } else if (el.value === "") {
        if (!answered) out[el.name] = null;
      } else out[el.name] = numeric.includes(el.name) ? Number(el.value) : el.value;
    }
    return out;
  }

  async function onCheckin(event) {
    event.preventDefault();
    const body = formJson(event.target, ["soreness", "stress", "stiffness", "pain", "fatigue",
      "mood", "sleep_quality"], true);
    try {
      await api("v1/checkins", { method: "POST", body: JSON.stringify(body),
        headers: { "Content-Type": "application/json" } });
      setText($("checkin-status"), "Saved for " + body.date + ".");
      await refresh();
    } catch (err) {
      setText($("checkin-status"), "Not saved: " + err.message);
    }
  }

  async function onFeedback(event) {
    event.preventDefault();
    const body = formJson(event.target, ["helped"]);
    try {
      await api("v1/feedback", { method: "POST", body: JSON.stringify(body),
        headers: { "Content-Type": "application/json" } });
      setText($("feedback-status"), "Thanks — noted.");
    } catch (err) {
      setText($("feedback-status"), "Not saved: " + err.message);
    }
  }

  function init() {
    const today = isoDay(new Date());
    const checkin = $("checkin-form");
    for (const sel of checkin.querySelectorAll("select")) fillScale(sel, true);
    checkin.elements.date.value = today;
    const fb = $("feedback-form");
    for (const [code, text] of Object.entries(ACTIONS)) fb.elements.action.appendChild(new Option(text, code));
    fillScale(fb.elements.helped, false);
    fb.elements.date.value = today;
    $("signin-form").addEventListener("submit", (e) => {
      e.preventDefault();
      setText($("signin-error"), "");
      signIn($("key").value.trim());
      $("key").value = "";
    });
    $("signout").addEventListener("click", signOut);
    $("upload-form").addEventListener("submit", onUpload);
    checkin.addEventListener("submit", onCheckin);
    fb.addEventListener("submit", onFeedback);
    const saved = sessionStorage.getItem(KEY);
    if (saved) signIn(saved);
  }

  init();
})();
