/**
 * The quote's text: the original's quote template (datahub/omis/quote/templates/content.md)
 * filled in as Django renders it, with its markdown escaping of free text and Django's
 * HTML autoescaping of every value, so a stored quote reads the same as the original's.
 */
import { longDate } from "../core/dates.ts";

/** Django's autoescape. */
function escapeHtml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;").replaceAll("'", "&#x27;");
}

/** The original's escape_markdown (markdown characters escaped, whitespace runs collapsed). */
function escapeMarkdown(text: string): string {
  return text.replace(/([~_*#()[\]`\-+\\])/g, "\\$1").replace(/\s+/g, " ");
}

/** Pence as pounds with two decimals (`floatformat:2`), e.g. 3025 → `30.25`. */
export function pounds(pence: number): string {
  return `${Math.trunc(pence / 100)}.${String(pence % 100).padStart(2, "0")}`;
}

export interface QuoteValues {
  /** Dates as `YYYY-MM-DD`. */
  today: string;
  deliveryDate: string;
  expiresOn: string;
  subtotalCost: number;
  orderReference: string;
  companyName: string;
  companyAddress: string;
  orderDescription: string;
  contactName: string;
  contactEmail: string;
  genericContactEmail: string;
  leadAssigneeName: string;
}

export function quoteContent(values: QuoteValues): string {
  const text = (value: string) => escapeHtml(escapeMarkdown(value));
  const v = {
    today: longDate(values.today),
    deliveryDate: longDate(values.deliveryDate),
    expiresOn: longDate(values.expiresOn),
    subtotalCost: pounds(values.subtotalCost),
    orderReference: text(values.orderReference),
    companyName: text(values.companyName),
    companyAddress: text(values.companyAddress),
    orderDescription: text(values.orderDescription),
    contactName: text(values.contactName),
    contactEmail: escapeHtml(values.contactEmail),
    genericContactEmail: escapeHtml(values.genericContactEmail),
    leadAssigneeName: text(values.leadAssigneeName),
  };
  return `Date: ${v.today}

# Quote for the Provision of an Overseas Market Introduction Service (“OMIS”): ${v.orderReference} (the **Quote**)

We, the Department for Business and Trade (**DBT**) agree to provide you ${v.companyName} of ${v.companyAddress} with the Services on the terms set out in this Quote.

The **Services** are those described below:

${v.orderDescription}

DBT will deliver the Services on or before the **Delivery Date** which shall be ${v.deliveryDate}.

In exchange for these Services you agree to pay the **Charges** which shall be £${v.subtotalCost} (excluding VAT) on or before the **Payment Date** which shall be the earliest of: the date 30 days from the date of the relevant invoice; or the date 10 days before the Delivery Date. The Payment Date will be specified on your invoice.

All correspondence will be between our representatives set out below:

The **DBT Contact** shall be ${v.leadAssigneeName}. If you do not have contact details for the DBT Contact, please contact ${v.genericContactEmail}.

The **Customer Contact** shall be ${v.contactName} of ${v.companyName}, ${v.companyAddress} and ${v.contactEmail}.

This Quote must be accepted by you by ${v.expiresOn}. Quotes that are not accepted by this date may be withdrawn by us. You accept that any delay in the acceptance of this Quote may impact on our ability to meet the Delivery Date.

You will be required to pay the Charges in full on or before the Payment Date unless otherwise agreed by us in writing.

You should read the terms of the Quote, together with the terms and conditions annexed to this Quote, carefully to ensure that the DBT proposal meets your requirements. When you accept the Quote you agree to be bound by its terms as set out in this Quote and the terms and conditions annexed to it.

Please confirm your acceptance of this Quote by:

- indicating that you have read and accepted the terms and conditions annexed to this Quote and the Charges by ticking the box ‘I accept the Charges and the Terms and Conditions’; and

- selecting ‘Accept quote’.

If you would like to amend this quote in any way please contact the DBT Contact and we can discuss any changes and issue a revised quote if appropriate.

Please contact ${v.leadAssigneeName} if you have any further questions about this Quote. We look forward to hearing from you soon and working with you to help expand your business.
`;
}
