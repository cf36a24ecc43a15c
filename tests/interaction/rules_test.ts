import assert from "node:assert/strict";
import {
  contactsCompanyError,
  crossFieldErrors,
  duplicateAdviserErrors,
  duplicateExportCountryError,
  EXPORT_BARRIER_OTHER,
  type Facts,
  isBlank,
  messages,
  parseAmount,
  parseInteractionDate,
  serviceAnswerErrors,
  statusChangeError,
  themeErrors,
  truthy,
} from "../../src/interaction/rules.ts";

const REQUIRED = "This field is required.";

/** A complete, valid v4 interaction's facts; each test breaks one thing. */
function facts(overrides: Partial<Facts> = {}): Facts {
  return {
    creating: true,
    kind: "interaction",
    status: "complete",
    theme: null,
    communication_channel: "cc",
    service: "svc",
    investment_project: null,
    company_export: null,
    is_event: null,
    event: null,
    service_delivery_status: null,
    was_policy_feedback_provided: false,
    policy_feedback_notes: "",
    contacts: ["c1"],
    were_countries_discussed: null,
    export_countries: [],
    has_related_trade_agreements: false,
    related_trade_agreements: [],
    helped_remove_export_barrier: false,
    export_barrier_types: [],
    export_barrier_notes: "",
    ...overrides,
  };
}

const delivery = (o: Partial<Facts> = {}) =>
  facts({ kind: "service_delivery", communication_channel: null, is_event: false, ...o });

Deno.test("interaction rules: Python truthiness and blankness", () => {
  assert.equal(truthy([]), false);
  assert.equal(truthy(""), false);
  assert.equal(truthy(false), false);
  assert.equal(truthy("x"), true);
  assert.equal(isBlank(false), false);
  assert.equal(isBlank([]), true);
  assert.equal(isBlank(null), true);
});

Deno.test("interaction rules: a valid interaction and service delivery pass", () => {
  assert.deepEqual(crossFieldErrors("v4", facts()), {});
  assert.deepEqual(crossFieldErrors("v3", facts()), {});
  assert.deepEqual(crossFieldErrors("v4", delivery()), {});
  assert.deepEqual(crossFieldErrors("v4", delivery({ is_event: true, event: "e" })), {});
});

Deno.test("interaction rules: each cross-field rule with its message", async (t) => {
  const cases: [string, Facts, Record<string, string[]>][] = [
    [
      "communication channel required for complete interactions",
      facts({ communication_channel: null }),
      { communication_channel: [REQUIRED] },
    ],
    ["not for drafts", facts({ communication_channel: null, status: "draft", service: null }), {}],
    ["service required when complete", facts({ service: null }), { service: [REQUIRED] }],
    [
      "investment theme needs kind interaction",
      delivery({ theme: "investment" }),
      { kind: [messages.invalid_for_investment] },
    ],
    [
      "no investment project on a service delivery",
      delivery({ investment_project: "p" }),
      { investment_project: [messages.invalid_for_non_interaction] },
    ],
    [
      "no communication channel on a service delivery",
      delivery({ communication_channel: "cc" }),
      { communication_channel: [messages.invalid_for_service_delivery] },
    ],
    [
      "event fields only on service deliveries (is_event false is not blank)",
      facts({ is_event: false, event: "e", service_delivery_status: "s" }),
      {
        is_event: [messages.invalid_for_non_service_delivery],
        event: [messages.invalid_for_non_service_delivery],
        service_delivery_status: [messages.invalid_for_non_service_delivery],
      },
    ],
    [
      "company export only for the export theme",
      facts({ company_export: "x", theme: "other", were_countries_discussed: false }),
      { company_export: [messages.invalid_for_non_export_theme] },
    ],
    [
      "policy notes need policy feedback",
      facts({ policy_feedback_notes: "n" }),
      { policy_feedback_notes: [messages.invalid_when_no_policy_feedback] },
    ],
    [
      "policy feedback needs notes",
      facts({ was_policy_feedback_provided: true, policy_feedback_notes: "" }),
      { policy_feedback_notes: [REQUIRED] },
    ],
    ["is_event required on a service delivery", delivery({ is_event: null }), {
      is_event: [REQUIRED],
    }],
    [
      "one contact for an event service delivery",
      delivery({ is_event: true, event: "e", contacts: ["a", "b"] }),
      { contacts: [messages.too_many_contacts_for_event_service_delivery] },
    ],
    [
      "no countries for the investment theme",
      facts({ theme: "investment", were_countries_discussed: true }),
      { were_countries_discussed: [messages.invalid_for_investment] },
    ],
    [
      "countries required when discussed",
      facts({ theme: "export", were_countries_discussed: true, export_countries: [] }),
      { export_countries: [REQUIRED] },
    ],
    [
      "no countries when not discussed (on create)",
      facts({
        theme: "export",
        were_countries_discussed: false,
        export_countries: [{ country: "c", status: "future_interest" }],
      }),
      { export_countries: [messages.invalid_when_no_countries_discussed] },
    ],
    ["event required when is_event", delivery({ is_event: true }), { event: [REQUIRED] }],
    [
      "no event when not is_event",
      delivery({ event: "e" }),
      { event: [messages.invalid_for_non_event] },
    ],
    [
      "trade agreements required when there are some (trade_agreement theme)",
      facts({ theme: "trade_agreement", has_related_trade_agreements: true }),
      { related_trade_agreements: [REQUIRED] },
    ],
    [
      "trade agreements only when there are some",
      facts({ related_trade_agreements: ["t"] }),
      { related_trade_agreements: [messages.invalid_when_no_related_trade_agreement] },
    ],
    [
      "barrier types required when a barrier was removed",
      facts({ helped_remove_export_barrier: true }),
      { export_barrier_types: [REQUIRED] },
    ],
    [
      "barrier notes required for Other",
      facts({ helped_remove_export_barrier: true, export_barrier_types: [EXPORT_BARRIER_OTHER] }),
      { export_barrier_notes: [REQUIRED] },
    ],
    [
      "barrier notes only when helped and Other",
      facts({ export_barrier_notes: "n" }),
      {
        export_barrier_notes: [
          messages.invalid_when_no_helped_remove_export_barrier,
          messages.invalid_when_no_other_selected,
        ],
      },
    ],
  ];
  for (const [name, input, expected] of cases) {
    await t.step(name, () => assert.deepEqual(crossFieldErrors("v4", input), expected));
  }
});

Deno.test("interaction rules: v3 differs from v4", () => {
  // v3 requires were_countries_discussed on create for export/other themes; v4 does not.
  const exportTheme = facts({ theme: "export" });
  assert.deepEqual(crossFieldErrors("v3", exportTheme), { were_countries_discussed: [REQUIRED] });
  assert.deepEqual(crossFieldErrors("v4", exportTheme), {});
  assert.deepEqual(crossFieldErrors("v3", { ...exportTheme, creating: false }), {});
  // v3 has no trade agreement or export barrier rules.
  assert.deepEqual(crossFieldErrors("v3", facts({ related_trade_agreements: ["t"] })), {});
  assert.deepEqual(crossFieldErrors("v3", facts({ export_barrier_notes: "n" })), {});
});

Deno.test("interaction rules: contacts must belong to the company or companies", () => {
  const owners: Record<string, string> = { a: "co1", b: "co2" };
  const companyOfContact = (id: string) => owners[id] ?? null;
  assert.equal(
    contactsCompanyError({
      stored: null,
      sent: { company: "co1", contacts: ["a"] },
      companyOfContact,
    }),
    null,
  );
  assert.equal(
    contactsCompanyError({
      stored: null,
      sent: { company: "co1", contacts: ["b"] },
      companyOfContact,
    }),
    messages.contacts_company,
  );
  assert.equal(
    contactsCompanyError({
      stored: null,
      sent: { companies: ["co1", "co2"], contacts: ["a", "b"] },
      companyOfContact,
    }),
    null,
  );
  const stored = { company: "co1", companies: ["co1"], contacts: ["a"] };
  // Nothing relevant changed: not checked.
  assert.equal(contactsCompanyError({ stored, sent: {}, companyOfContact }), null);
  // Moving the company without moving the contacts is refused.
  assert.equal(
    contactsCompanyError({ stored, sent: { company: "co2" }, companyOfContact }),
    messages.contacts_company,
  );
  assert.equal(
    contactsCompanyError({ stored, sent: { contacts: ["b"] }, companyOfContact }),
    messages.contacts_company,
  );
});

Deno.test("interaction rules: status, theme, duplicates", () => {
  assert.equal(statusChangeError("complete", "draft"), messages.status_change);
  assert.equal(statusChangeError("complete", "complete"), null);
  assert.equal(statusChangeError("draft", "complete"), null);
  assert.deepEqual(themeErrors("export", null), { theme: [messages.cannot_unset_theme] });
  assert.equal(themeErrors("export", "other"), null);
  assert.equal(themeErrors(null, null), null);
  assert.equal(
    duplicateExportCountryError([
      { country: "c", status: "future_interest" },
      { country: "c", status: "not_interested" },
    ]),
    messages.duplicate_export_country,
  );
  assert.equal(duplicateExportCountryError(undefined), null);
  assert.deepEqual(duplicateAdviserErrors(["a", "b", "a"]), [
    { adviser: [messages.duplicate_adviser] },
    {},
    { adviser: [messages.duplicate_adviser] },
  ]);
  assert.equal(duplicateAdviserErrors(["a", "b"]), null);
});

Deno.test("interaction rules: service answers", () => {
  const questions = new Map([["q1", new Set(["o1", "o2"])]]);
  const none = new Map<string, Set<string>>();
  assert.equal(serviceAnswerErrors(questions, { q1: { o1: {} } }), null);
  assert.equal(serviceAnswerErrors(none, null), null);
  assert.equal(serviceAnswerErrors(none, {}), null);
  assert.deepEqual(serviceAnswerErrors(questions, []), {
    service_answers: [messages.answers_invalid_format],
  });
  assert.deepEqual(serviceAnswerErrors(none, { q1: { o1: {} } }), {
    service_answers: [messages.answers_not_required],
  });
  assert.deepEqual(serviceAnswerErrors(questions, null), { service_answers: [REQUIRED] });
  assert.deepEqual(serviceAnswerErrors(questions, { q1: {} }), { q1: [REQUIRED] });
  assert.deepEqual(serviceAnswerErrors(questions, { q1: { o1: {}, o2: {} } }), {
    q1: [messages.only_one_answer],
  });
  assert.deepEqual(serviceAnswerErrors(questions, { q1: { o9: {} } }), {
    o9: [messages.answer_option_not_valid],
  });
  assert.deepEqual(serviceAnswerErrors(questions, { q2: { o1: {} } }), {
    q1: [REQUIRED],
    q2: [messages.question_does_not_relate],
  });
});

Deno.test("interaction rules: dates and amounts", () => {
  assert.equal(parseInteractionDate("2024-03-01")?.toISOString(), "2024-03-01T00:00:00.000Z");
  assert.equal(parseInteractionDate("2024-3-1")?.toISOString(), "2024-03-01T00:00:00.000Z");
  assert.equal(parseInteractionDate("2024/03/01")?.toISOString(), "2024-03-01T00:00:00.000Z");
  for (const bad of ["2024-02-30", "2024-13-01", "01/03/2024", "2024-03-01T10:00", "x", ""]) {
    assert.equal(parseInteractionDate(bad), null, bad);
  }
  assert.deepEqual(parseAmount("1111.11"), { value: "1111.11" });
  assert.deepEqual(parseAmount(12), { value: "12" });
  assert.deepEqual(parseAmount("abc"), { error: "A valid number is required." });
  assert.deepEqual(parseAmount("-1"), {
    error: "Ensure this value is greater than or equal to 0.",
  });
  assert.deepEqual(parseAmount("1.234"), {
    error: "Ensure that there are no more than 2 decimal places.",
  });
  assert.deepEqual(parseAmount("1".repeat(20)), {
    error: "Ensure that there are no more than 19 digits in total.",
  });
  assert.deepEqual(parseAmount("1".repeat(18) + ".5"), {
    error: "Ensure that there are no more than 17 digits before the decimal point.",
  });
});
