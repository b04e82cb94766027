// The mark of the public API, so that markup named AuthReturn is never taken for it.

/**
 * The symbol our API carries: Symbol.for, so that two copies of the script on a page (plain and
 * versioned URL) know each other's API.
 */
export const API_BRAND = Symbol.for("authreturn.api");

/** Our API, not whatever else is there: <div id="AuthReturn"> makes window.AuthReturn an element. */
export const isApi = (value) => typeof value === "object" && value !== null && value[API_BRAND] === true;
