/* readiness team page: a coach's triage of a team, plain JS, no build step.
   The coach's API key lives in sessionStorage only. Requests: api.js; the actions' words and
   colours: words.js (the same as the dashboard's history strip). */
(function (R) {
  "use strict";

  const KEY = "readiness.coach-key";
  const STRIP_DAYS = 14;
  const CONCERNS = {
    pain_gate: "Pain",
    illness: "Illness",
    guarded: "Guarded",
    stale_data: "Stale data",
    no_data: "No data yet",
    elevated: "Elevated",
    settled: "Settled",
  };
  const $ = (id) => document.getElementById(id);

  const { api } = R.apiClient(KEY);

  function cell(tr, text, cls) {
    const td = document.createElement("td");
    td.textContent = text == null ? "" : String(text);
    if (cls) td.className = cls;
    tr.appendChild(td);
    return td;
  }

  function scoreText(part) {
    if (!part || part.score == null) return "–";
    return Math.round(part.score) + " " + (part.band || "");
  }

  const addDays = R.addDays;

  /* The member's last STRIP_DAYS calls, one coloured mark per day (grey: no call that day). */
  async function fillStrip(td, teamId, athleteId, end) {
    const strip = document.createElement("div");
    strip.className = "strip";
    td.appendChild(strip);
    const start = addDays(end, -(STRIP_DAYS - 1));
    const page = await api("v1/teams/" + teamId + "/members/" + athleteId + "/readiness?start=" +
      start + "&end=" + end + "&limit=" + STRIP_DAYS);
    const byDate = new Map(page.data.map((d) => [d.date, d]));
    for (let i = 0; i < STRIP_DAYS; i++) {
      const day = addDays(start, i);
      const found = byDate.get(day);
      const mark = document.createElement("span");
      const action = found && found.recommendation ? found.recommendation.action : null;
      if (action) {
        mark.className = "a-" + action;
        mark.dataset.action = action;
        mark.style.backgroundColor = R.actionColour(action);
      }
      mark.title = day + ": " + (action ? R.actionText(action) : "no call");
      strip.appendChild(mark);
    }
    strip.dataset.days = String(page.data.length);
  }

  async function loadTeam() {
    const teamId = $("team").value;
    const table = $("triage");
    const body = table.querySelector("tbody");
    body.replaceChildren();
    if (!teamId) return;
    const rows = await api("v1/teams/" + teamId + "/readiness/today");
    table.hidden = rows.length === 0;
    $("team-empty").hidden = rows.length > 0;
    const strips = [];
    for (const row of rows) {
      const tr = document.createElement("tr");
      tr.dataset.athlete = String(row.athlete.id);
      tr.dataset.concern = row.concern;
      cell(tr, row.athlete.name);
      const concern = cell(tr, "");
      const tag = document.createElement("span");
      tag.className = "concern concern-" + row.concern;
      tag.textContent = CONCERNS[row.concern] || row.concern;
      concern.appendChild(tag);
      cell(tr, row.action ? R.actionText(row.action) : "–");
      cell(tr, scoreText(row.nervous_system_stress));
      cell(tr, scoreText(row.physical_stiffness));
      cell(tr, scoreText(row.warmth));
      const data = row.data;
      cell(tr, !data ? "none" : data.stale ? "stale (" + data.days_since_data + " d)"
        : data.days_since_data == null ? "–" : data.days_since_data + " d ago");
      cell(tr, row.reason || "");
      const strip = cell(tr, "");
      body.appendChild(tr);
      if (row.date) strips.push(fillStrip(strip, teamId, row.athlete.id, row.date));
    }
    await Promise.all(strips);
  }

  async function signIn(key) {
    sessionStorage.setItem(KEY, key);
    try {
      const teams = await api("v1/teams");
      const select = $("team");
      select.replaceChildren();
      for (const t of teams) select.appendChild(new Option(t.name + " (" + t.members.length + ")", t.id));
      $("signin").hidden = true;
      $("app").hidden = false;
      $("signout").hidden = false;
      $("team-empty").hidden = teams.length > 0;
      if (teams.length === 0) $("team-empty").textContent = "You coach no team yet.";
      await loadTeam();
    } catch (err) {
      sessionStorage.removeItem(KEY);
      setError(err.status === 401 ? "That key is not valid." : err.message);
    }
  }

  function setError(text) { $("signin-error").textContent = text; }

  async function onInvite() {
    const teamId = $("team").value;
    if (!teamId) return;
    try {
      const inv = await api("v1/teams/" + teamId + "/invitations", { method: "POST" });
      $("invite-code").textContent = "One-time code (shown once, valid until " + inv.expires +
        "): " + inv.code + " — the athlete accepts it with POST /v1/invitations/{code}/accept.";
    } catch (err) {
      $("invite-code").textContent = "No invitation: " + err.message;
    }
  }

  function init() {
    $("signin-form").addEventListener("submit", (e) => {
      e.preventDefault();
      setError("");
      signIn($("key").value.trim());
      $("key").value = "";
    });
    $("signout").addEventListener("click", () => {
      sessionStorage.removeItem(KEY);
      location.reload();
    });
    $("team").addEventListener("change", () => loadTeam());
    $("invite").addEventListener("click", onInvite);
    const saved = sessionStorage.getItem(KEY);
    if (saved) signIn(saved);
  }

  init();
})(window.readiness = window.readiness || {});
