/* readiness dashboard: the two 90-day charts (uPlot). HRV in ms with your normal range and
   resting HR; training load in one unit and the two sub-scores. Each day's call is marked along
   the top of the plot; the legends show the chosen day's values without hovering; the charts
   follow their container's width. Plain JS, shared as window.readiness. */
(function (R) {
  "use strict";

  const DAY = 86400;
  /* The vendor's own load scales (not TRIMP), by the rows' source: name and range. */
  const VENDOR_SCALES = {
    whoop: ["WHOOP strain", "0–21"],
    garmin: ["Garmin training load", ""],
    fit: ["device training load", ""],
    intervals: ["intervals.icu load", ""],
  };
  const state = { charts: [], observer: null, x: [], dates: [], actions: [], idle: null };

  function hrvMs(value, unit) {
    if (value == null) return null;
    return /ln/i.test(unit || "") ? Math.exp(value) : value;
  }

  function contributor(day, signal) {
    const s = day && day.nervous_system_stress;
    return ((s && s.contributors) || []).find((c) => c.signal === signal && c.value != null);
  }

  /* One unit per axis: TRIMP when any workout has it, else the most common vendor scale.
     Returns the daily values, the axis label, the legend label, the unit of a legend value, a
     sentence for the chart's note, and how many workouts (in another unit) were left out. */
  function loadSeries(sessions, idx, n) {
    const values = new Array(n).fill(null);
    const withTrimp = sessions.filter((s) => s.trimp != null);
    let rows, load;
    if (withTrimp.length || !sessions.some((s) => s.vendor_load != null)) {
      rows = withTrimp.map((s) => [s.date, s.trimp]);
      load = { axis: "TRIMP", legend: "training load (TRIMP)", unit: "TRIMP", trimp: true,
        note: "TRIMP (training impulse from heart rate and time) per day" };
    } else {
      const bySource = new Map();
      for (const s of sessions) {
        if (s.vendor_load == null) continue;
        const src = s.source || "";
        bySource.set(src, (bySource.get(src) || []).concat([[s.date, s.vendor_load]]));
      }
      const [src, found] = [...bySource.entries()].sort((a, b) => b[1].length - a[1].length)[0];
      const [name, range] = VENDOR_SCALES[src] || ["vendor load", ""];
      rows = found;
      load = { axis: name + (range ? " (" + range + ")" : ""), unit: "", trimp: false,
        legend: name + " (vendor scale" + (range ? " " + range : "") + ")",
        note: name + " per day, the vendor's own scale" + (range ? " (" + range + ")" : "") +
          ", not TRIMP" };
    }
    for (const [date, v] of rows) {
      const i = idx.get(date);
      if (i != null) values[i] = (values[i] || 0) + v;
    }
    return Object.assign(load, { values, skipped: sessions.length - rows.length });
  }

  const LOOK_BACK = 7;

  /* A legend value with its unit. Not hovering, a day without one shows the latest value of
     the week before it, with its date. */
  const fmt = (unit, round) => (u, v, si, i) => {
    const text = (x) => (round ? String(Math.round(x)) : R.num(x)) +
      (!unit ? "" : unit.startsWith("/") ? unit : " " + unit);
    if (v != null) return text(v);
    if (i == null || u.cursor.idx != null) return "–";
    const data = u.data[si];
    for (let j = i - 1; j >= Math.max(0, i - LOOK_BACK); j--) {
      if (data[j] != null) return text(data[j]) + " (" + shortDate(state.dates[j]) + ")";
    }
    return "–";
  };

  /* The x series: its legend row names the day. */
  const DAY_SERIES = {
    label: "Day",
    value: (u, ts) => (ts == null ? "–" : new Date(ts * 1e3).toISOString().slice(0, 10)),
  };

  const MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(" ");

  function shortDate(iso) {
    return Number(iso.slice(8, 10)) + " " + MONTHS[Number(iso.slice(5, 7)) - 1];
  }

  /* Marks each day's call along the top of the plot and the chosen day with a line. */
  function callsPlugin() {
    return {
      hooks: {
        draw: [(u) => {
          const ctx = u.ctx, top = u.bbox.top, h = Math.round(7 * devicePixelRatio);
          ctx.save();
          for (let i = 0; i < state.x.length; i++) {
            const a = state.actions[i];
            if (!a) continue;
            const x0 = u.valToPos(state.x[i] - DAY / 2, "x", true);
            const x1 = u.valToPos(state.x[i] + DAY / 2, "x", true);
            ctx.fillStyle = R.actionColour(a);
            ctx.fillRect(x0, top, Math.max(1, x1 - x0 - 1), h);
            if (a === "no_recent_data") {
              ctx.strokeStyle = "#8a94a3";
              ctx.strokeRect(x0 + 0.5, top + 0.5, Math.max(1, x1 - x0 - 2), h - 1);
            }
          }
          if (state.idle != null) {
            const x = Math.round(u.valToPos(state.x[state.idle], "x", true)) + 0.5;
            ctx.strokeStyle = "rgba(29,36,48,0.45)";
            ctx.setLineDash([4 * devicePixelRatio, 3 * devicePixelRatio]);
            ctx.beginPath();
            ctx.moveTo(x, top + h);
            ctx.lineTo(x, top + u.bbox.height);
            ctx.stroke();
          }
          ctx.restore();
        }],
        /* not hovering: the legend shows the chosen day */
        setCursor: [(u) => {
          if (u.cursor.idx == null && state.idle != null) u.setLegend({ idx: state.idle });
        }],
        ready: [(u) => {
          if (state.idle != null) u.setLegend({ idx: state.idle });
          u.root.querySelectorAll(".u-legend .u-series").forEach((row, i) => {
            if (u.series[i] && u.series[i].legendHidden) row.classList.add("legend-hidden");
          });
        }],
      },
    };
  }

  const FONT = "12px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
  const LABEL_FONT = "600 12px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";

  /* An axis in the dashboard's type (more compact on a narrow screen). */
  function axis(opts) {
    return Object.assign({ font: FONT, labelFont: LABEL_FONT, labelSize: 18, gap: 4,
      size: (u) => (u.width < 560 ? 42 : 52) }, opts);
  }

  const X_AXIS = { font: FONT, space: 64, values: (u, splits) => splits.map((ts) => shortDate(
    new Date(ts * 1e3).toISOString().slice(0, 10))) };

  function sizeOf(el) {
    const width = Math.max(200, Math.floor(el.clientWidth || 800));
    return { width, height: width < 560 ? 200 : 250 };
  }

  /* Draw both charts. data: {dates, ready: Map(date → day), days: [...], sessions: [...]};
     onPick(date) is called when a day is clicked on a chart. */
  R.drawCharts = function (data, onPick) {
    const { dates } = data;
    const idx = new Map(dates.map((d, i) => [d, i]));
    const n = dates.length;
    const empty = () => new Array(n).fill(null);
    const mean = empty(), lo = empty(), hi = empty(), nightly = empty(), rhr = empty();
    const stress = empty(), stiff = empty(), actions = empty();
    for (const [date, r] of data.ready) {
      const i = idx.get(date);
      if (i == null) continue;
      actions[i] = r.recommendation ? r.recommendation.action : null;
      stress[i] = r.nervous_system_stress ? r.nervous_system_stress.score : null;
      stiff[i] = r.physical_stiffness ? r.physical_stiffness.score : null;
      const c = contributor(r, "hrv_7d");
      if (c) {
        mean[i] = hrvMs(c.value, c.unit);
        if (Array.isArray(c.normal_range)) {
          lo[i] = hrvMs(c.normal_range[0], c.unit);
          hi[i] = hrvMs(c.normal_range[1], c.unit);
        }
      }
    }
    for (const d of data.days) {
      const i = idx.get(d.date);
      if (i == null) continue;
      rhr[i] = d.resting_hr_bpm;
      nightly[i] = d.hrv_rmssd_ms;
    }
    const load = loadSeries(data.sessions, idx, n);
    // a day with a call and no workout had no load
    actions.forEach((a, i) => { if (a && load.values[i] == null) load.values[i] = 0; });
    state.x = dates.map((d) => Date.parse(d + "T00:00:00Z") / 1000);
    state.dates = dates;
    state.actions = actions;
    state.idle = lastIndex([mean, nightly, rhr, stress, stiff, actions]);

    R.destroyCharts();
    const hrvEl = document.getElementById("chart-hrv");
    const scoreEl = document.getElementById("chart-scores");
    const common = () => ({
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1e3), "Etc/UTC"),
      plugins: [callsPlugin()],
      cursor: { points: { size: 6 } },
      legend: { live: true },
    });
    const rangeValue = (u, v, si, i) =>
      i == null || lo[i] == null || hi[i] == null ? "–"
        : R.num(lo[i]) + "–" + R.num(hi[i]) + " ms";
    const hrv = new uPlot(Object.assign(common(), sizeOf(hrvEl), {
      title: "HRV (ms) and resting heart rate (bpm)",
      scales: { ms: {}, bpm: {} },
      series: [
        DAY_SERIES,
        { label: "normal range", scale: "ms", stroke: "rgba(47,111,159,0.35)", width: 1,
          points: { show: false }, value: rangeValue },
        { label: "normal range (high)", scale: "ms", stroke: "rgba(47,111,159,0.35)", width: 1,
          points: { show: false }, legendHidden: true },
        { label: "HRV 7-day mean", scale: "ms", stroke: "#2f6f9f", width: 2.5, spanGaps: true,
          value: fmt("ms") },
        { label: "HRV each night", scale: "ms", stroke: "#6d9cc2", paths: () => null,
          points: { show: true, size: 4, fill: "#6d9cc2" }, value: fmt("ms") },
        { label: "resting HR", scale: "bpm", stroke: "#a23030", width: 1.5, value: fmt("bpm"),
          points: { size: 3 } },
      ],
      bands: [{ series: [2, 1], fill: "rgba(47,111,159,0.12)" }],
      axes: [X_AXIS, axis({ scale: "ms", label: "HRV (ms)" }),
        axis({ scale: "bpm", side: 1, label: "resting HR (bpm)", grid: { show: false } })],
    }), [state.x, lo, hi, mean, nightly, rhr], hrvEl);
    const scores = new uPlot(Object.assign(common(), sizeOf(scoreEl), {
      title: "Training load and sub-scores",
      scales: { load: { range: (u, min, max) => [0, Math.max(load.trimp ? 10 : 1, max * 1.15)] },
        score: { range: [0, 100] } },
      series: [
        DAY_SERIES,
        { label: load.legend, scale: "load", stroke: "#7a8aa0",
          fill: "rgba(122,138,160,0.35)", paths: uPlot.paths.bars({ size: [0.7, 40] }),
          points: { show: false }, value: fmt(load.unit) },
        { label: "nervous-system stress", scale: "score", stroke: "#9a5b00", width: 2,
          value: fmt("/100", true) },
        { label: "physical stiffness", scale: "score", stroke: "#2e7d4f", width: 2,
          value: fmt("/100", true) },
      ],
      axes: [X_AXIS, axis({ scale: "load", label: load.axis }),
        axis({ scale: "score", side: 1, label: "score (0–100)", grid: { show: false } })],
    }), [state.x, load.values, stress, stiff], scoreEl);
    state.charts.push(hrv, scores);
    for (const u of state.charts) {
      u.over.addEventListener("click", () => {
        if (u.cursor.idx != null && state.actions[u.cursor.idx]) onPick(state.dates[u.cursor.idx]);
      });
    }
    state.observer = new ResizeObserver(() => {
      for (const u of state.charts) {
        const s = sizeOf(u.root.parentElement);
        if (s.width !== u.width || s.height !== u.height) u.setSize(s);
      }
    });
    state.observer.observe(hrvEl);
    state.observer.observe(scoreEl);
    const count = (arrs) => arrs.reduce((k, a) => k + a.filter((v) => v != null).length, 0);
    hrvEl.dataset.points = String(count([mean, nightly, rhr]));
    scoreEl.dataset.points = String(count([load.values, stress, stiff]));
    return { load, points: count([mean, nightly, rhr, load.values, stress, stiff]) };
  };

  function lastIndex(arrays) {
    for (let i = arrays[0].length - 1; i >= 0; i--) {
      if (arrays.some((a) => a[i] != null)) return i;
    }
    return null;
  }

  /* The chosen day (the day card's): the legends show it and a line marks it. */
  R.chooseChartDay = function (date) {
    const i = state.dates.indexOf(date);
    if (i < 0) return;
    state.idle = i;
    for (const u of state.charts) {
      u.setLegend({ idx: i });
      u.redraw(false);
    }
  };

  R.destroyCharts = function () {
    if (state.observer) state.observer.disconnect();
    state.observer = null;
    state.charts.forEach((c) => c.destroy());
    state.charts.length = 0;
  };
})(window.readiness = window.readiness || {});
