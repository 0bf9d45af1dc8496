/* readiness pages' requests (the dashboard and the team page): the API key from sessionStorage
   as a bearer token, and problem+json errors as ApiError. Plain JS, on window.readiness. */
(function (R) {
  "use strict";

  class ApiError extends Error {
    constructor(status, problem) {
      super((problem && (problem.detail || problem.title)) || "HTTP " + status);
      this.status = status;
      this.problem = problem;
    }
  }

  R.ApiError = ApiError;

  /* Requests signed with the key kept in sessionStorage under `storageKey`: `request` (the
     response; ApiError unless 2xx), `api` (its JSON, null when empty) and `postJson`. */
  R.apiClient = (storageKey) => {
    async function request(path, options) {
      const opts = Object.assign({ headers: {} }, options || {});
      opts.headers = Object.assign(
        { Authorization: "Bearer " + sessionStorage.getItem(storageKey) }, opts.headers);
      const res = await fetch(path, opts);
      if (!res.ok) {
        const text = await res.text();
        let body = null;
        try { body = text ? JSON.parse(text) : null; } catch (e) { body = null; }
        throw new ApiError(res.status, body);
      }
      return res;
    }

    async function api(path, options) {
      const res = await request(path, options);
      const text = await res.text();
      return text ? JSON.parse(text) : null;
    }

    const postJson = (path, body) => api(path, { method: "POST", body: JSON.stringify(body),
      headers: { "Content-Type": "application/json" } });

    return { request, api, postJson };
  };
})(window.readiness = window.readiness || {});
