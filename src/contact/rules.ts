/**
 * Contact validation as the original's ContactSerializer / ContactV4Serializer run it:
 * field checks first (telephone format), then the class-level validators in order —
 * not archived, address-or-same-as-company, the address itself, and (v4) an area for US
 * and Canadian addresses. A validator reporting a field error answers alone; the
 * archived message is kept only when nothing else fails, as DRF collects it.
 */
import { DRF_MESSAGES } from "../http/drf.ts";
import { type FieldErrors, ValidationError } from "../http/errors.ts";

export const UNITED_STATES = "81756b9a-5d95-e211-a939-e4115bead28a";
export const CANADA = "5daf72a6-5d95-e211-a939-e4115bead28a";

export const messages = {
  archived: "This record has been archived and cannot be edited.",
  sameAsCompanyAndAddress:
    "Please select either address_same_as_company or enter an address manually, not both!",
  noAddress: "Please select either address_same_as_company or enter an address manually.",
  telephone: "Phone number must be composed of valid characters. These include: 0-9, spaces, " +
    "hyphens, full stops, or open/close brackets, optionally preceded with a plus sign. " +
    "Extensions can be included using 'ext' or 'x' followed by digits.",
  emailTaken: (company: string) => `A contact with this email already exists at ${company}.`,
};

/** The address fields, as the original's Contact.ADDRESS_VALIDATION_MAPPING. */
export const ADDRESS_FIELDS = [
  "address_1",
  "address_2",
  "address_town",
  "address_county",
  "address_postcode",
  "address_area",
  "address_country",
] as const;
const REQUIRED_ADDRESS_FIELDS = ["address_1", "address_town", "address_country"] as const;

const TELEPHONE = /^\+?[\d().\- ]+(?:\s*(?:ext|ext.|x)\s*\d+)?$/;

export function telephoneError(value: string | undefined): string | null {
  return value && !TELEPHONE.test(value) ? messages.telephone : null;
}

const blank = (v: unknown) => v === null || v === undefined || v === "";

/**
 * The class-level validators. `combined(field)` is the sent value, else the stored one
 * (references as ids); `archived` is the stored state (null on create).
 */
export function checkContactValidators(
  combined: (field: string) => unknown,
  options: { archived: boolean; v4: boolean },
) {
  const anyAddress = ADDRESS_FIELDS.some((f) => !blank(combined(f)));
  const same = Boolean(combined("address_same_as_company"));
  if (anyAddress && same) {
    throw new ValidationError({ address_same_as_company: [messages.sameAsCompanyAndAddress] });
  }
  if (!anyAddress && !same) {
    throw new ValidationError({ address_same_as_company: [messages.noAddress] });
  }
  if (anyAddress) {
    const errors: FieldErrors = {};
    for (const field of REQUIRED_ADDRESS_FIELDS) {
      if (blank(combined(field))) errors[field] = [DRF_MESSAGES.required];
    }
    if (Object.keys(errors).length) throw new ValidationError(errors);
  }
  const country = combined("address_country");
  if (
    options.v4 && (country === UNITED_STATES || country === CANADA) && !combined("address_area")
  ) {
    throw new ValidationError({ address_area: [DRF_MESSAGES.required] });
  }
  if (options.archived) throw new ValidationError({ non_field_errors: [messages.archived] });
}
