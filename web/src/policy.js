// The app's password policy as rules the user can tick off, and as one sentence.

// Cognito's symbol set, as the server checks it.
const SYMBOLS = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ";

/** The rules of `policy`, each with a label and a test. */
export function passwordRules(policy) {
  const rules = [
    {
      id: "length",
      label: `At least ${policy.minLength} characters`,
      met: (p) => [...p].length >= policy.minLength,
    },
  ];
  const optional = [
    ["requireUppercase", "uppercase", "An uppercase letter", (p) => /\p{Lu}/u.test(p)],
    ["requireLowercase", "lowercase", "A lowercase letter", (p) => /\p{Ll}/u.test(p)],
    ["requireNumbers", "number", "A number", (p) => /[0-9]/.test(p)],
    ["requireSymbols", "symbol", "A symbol", (p) => [...p].some((c) => SYMBOLS.includes(c))],
  ];
  for (const [flag, id, label, met] of optional) if (policy[flag]) rules.push({ id, label, met });
  return rules;
}

/** The policy as one sentence, e.g. "Use at least 8 characters, with a number." */
export function policyMessage(policy) {
  const [length, ...rest] = passwordRules(policy);
  const parts = rest.map((r) => r.label.toLowerCase());
  const list = parts.length > 1 ? `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}` : parts[0];
  const base = `Use ${length.label.toLowerCase()}`;
  return list ? `${base}, with ${list}.` : `${base}.`;
}
