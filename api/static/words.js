/* readiness dashboard: the words — what each action, band and confidence means, contributor
   labels, number formatting and evidence. Plain JS, no build step; shared as window.readiness. */
(function (R) {
  "use strict";

  /* Each action: its name, a one-line "what this means" and its colour in the history strip and
     on the chart. */
  R.ACTIONS = {
    physiotherapy_assessment: {
      text: "See a physiotherapist", colour: "#b3261e",
      means: "Pain keeps coming back or is strong: have it assessed before more massage or stretching.",
    },
    rest: {
      text: "Rest today", colour: "#6f4a9e",
      means: "Signs of illness or marked strain: rest, and move gently at most.",
    },
    relaxation_massage: {
      text: "Book a relaxation massage", colour: "#5b8fd6",
      means: "Your nervous system looks strained: a calm, moderate-pressure massage helps you wind down.",
    },
    therapeutic_massage: {
      text: "Book a therapeutic (sports) massage", colour: "#17827d",
      means: "Your muscles carry a lot of recent training load: a sports massage works the loaded areas.",
    },
    massage_then_stretching: {
      text: "Massage, then assisted stretching", colour: "#3f9a5c",
      means: "Some strain and some stiffness while you are still warm: massage first, then stretch.",
    },
    light_movement_then_stretching: {
      text: "Move lightly first, then stretch", colour: "#c7831a",
      means: "You are stiff but cold: ten minutes of easy movement warms you up, then stretch.",
    },
    assisted_stretching: {
      text: "Assisted stretching", colour: "#93b83f",
      means: "You are stiff and already warm: a good moment for assisted stretching.",
    },
    none: {
      text: "Nothing needed today", colour: "#c4ccd6",
      means: "Nothing stands out: easy mobility is optional.",
    },
    no_recent_data: {
      text: "No recent data: sync your device or upload a newer export", colour: "#ffffff",
      means: "Your device has sent nothing fresh, so today's call cannot reflect how you are.",
    },
  };

  R.actionText = (action) =>
    (R.ACTIONS[action] && R.ACTIONS[action].text) || String(action || "").replace(/_/g, " ");
  R.actionMeans = (action) => (R.ACTIONS[action] && R.ACTIONS[action].means) || "";
  R.actionColour = (action) => (R.ACTIONS[action] && R.ACTIONS[action].colour) || "#8a94a3";

  /* What a band means, per sub-score (stiffness: per type). */
  const BANDS = {
    stress: {
      settled: "Your body signals are within your own normal range.",
      elevated: "Some body signals are outside your normal range: more strain than usual.",
      guarded: "Several body signals are well outside your normal range: marked strain.",
    },
    load: {
      settled: "Recent training has not loaded your muscles beyond a typical day.",
      elevated: "Recent training load is above your typical day: muscles may feel tight.",
      guarded: "Training load is far above your typical day: muscles are likely sore and tight.",
    },
    inactivity: {
      settled: "Not much sitting or inactive time to stiffen you.",
      elevated: "Long inactive or sitting time: muscles and joints may feel stiff.",
      guarded: "Very long inactive or sitting time: you are likely stiff.",
    },
    warmth: {
      cold: "No moderate activity in the last half hour or so: your muscles are cold.",
      cooling: "You were active recently and are cooling down.",
      warm: "Active within about the last ten minutes: your muscles are warm.",
    },
  };

  R.bandMeans = (kind, band) => (BANDS[kind] && BANDS[kind][band]) || "";

  const CONFIDENCE = {
    high: "Enough recent nights and inputs: the score is well supported.",
    medium: "Some inputs are missing or your baseline is still building: read it with care.",
    low: "Few inputs so far: treat the score as a rough guide.",
  };

  R.confidenceMeans = (level, provisional) =>
    (CONFIDENCE[String(level || "").toLowerCase()] || "") +
    (provisional ? " Provisional: your baseline is still being learnt." : "");

  /* Short labels of the contributors' signals (unknown signals: their name in words). */
  const SIGNALS = {
    hrv_today: "HRV last night",
    hrv_7d: "HRV 7-day mean",
    hrv_trend: "HRV trend",
    rhr_today: "Resting HR last night",
    rhr_7d: "Resting HR 7-day mean",
    sleep: "Sleep debt",
    unusual_night: "Unusual night",
    stress_checkin: "Your stress rating",
    soreness_checkin: "Your soreness rating",
    stiffness_checkin: "Your stiffness rating",
    session_vs_typical_day: "Recent session",
    load_spike: "Recent vs usual load",
    monotony: "Training monotony",
    inactive_time: "Inactive time",
    longest_sedentary_bout: "Longest sitting bout",
    load: "Training load",
  };

  /* The calendar day `n` days after `iso` (YYYY-MM-DD; negative `n`: before). */
  R.addDays = (iso, n) => {
    const d = new Date(iso + "T12:00:00Z");
    d.setUTCDate(d.getUTCDate() + n);
    return d.toISOString().slice(0, 10);
  };

  R.signalLabel = (signal) => {
    if (SIGNALS[signal]) return SIGNALS[signal];
    const s = String(signal || "").replace(/_/g, " ");
    return s.charAt(0).toUpperCase() + s.slice(1);
  };

  /* A number for people: integers from 20 on, else up to two decimals without trailing zeros
     (or exactly `digits` decimals at most). */
  R.num = (v, digits) => {
    if (v == null || !isFinite(v)) return "–";
    const a = Math.abs(v);
    const d = digits != null ? digits : a >= 20 ? 0 : a >= 10 ? 1 : 2;
    return String(Number(v.toFixed(d)));
  };

  /* Decimals that tell a normal range's ends apart (59–62 ms, 49.7–50.7 bpm); null without one. */
  R.rangeDigits = (r) => {
    if (!Array.isArray(r) || r[0] == null || r[1] == null) return null;
    const width = Math.abs(r[1] - r[0]);
    return width >= 2 ? 0 : width >= 0.2 ? 1 : 2;
  };

  /* A value with its unit: "57 ms", "2/5", "1.4 × typical day", "+3.1 %/week". */
  R.withUnit = (v, unit, digits) => {
    if (v == null) return "no data";
    const u = unit || "";
    const n = R.num(v, digits);
    if (u === "1–5") return n + "/5";
    if (u.startsWith("%")) return (v > 0 ? "+" : "") + n + " " + u;
    if (!u || u === "ratio") return n;
    return n + " " + u;
  };

  /* "60–66 ms": a contributor's normal range (either end may be open). */
  R.range = (r, unit) => {
    if (!Array.isArray(r) || (r[0] == null && r[1] == null)) return "";
    const u = unit && unit !== "1–5" && unit !== "ratio" ? " " + unit : "";
    const d = R.rangeDigits(r);
    if (r[0] == null) return "up to " + R.num(r[1]) + u;
    if (r[1] == null) return "from " + R.num(r[0]) + u;
    return R.num(r[0], d) + "–" + R.num(r[1], d) + u;
  };

  /* Evidence items are strings ("Cheung 2003") or objects {key, citation, url}: the short key
     (for the summary line), and one item with its full citation, a link only for an http(s)
     address (a repository path such as docs/evidence.md#… is not served here). */
  R.evidenceKey = (e) =>
    String(e && typeof e === "object" ? e.key || e.citation || "" : e == null ? "" : e);

  R.evidenceItem = (e) => {
    const li = document.createElement("li");
    const item = e && typeof e === "object" ? e : { key: e };
    const url = typeof item.url === "string" && /^https?:\/\//i.test(item.url) ? item.url : "";
    const el = document.createElement(url ? "a" : "span");
    el.textContent = String(item.citation || R.evidenceKey(item));
    if (url) {
      el.href = url;
      el.rel = "noopener noreferrer";
      el.target = "_blank";
    }
    li.appendChild(el);
    return li;
  };
})(window.readiness = window.readiness || {});
