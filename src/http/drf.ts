/**
 * One home for the wire constants every domain shares with the original: the UUID shape
 * Django's UUIDField accepts (hyphens optional, any case) and DRF's and Django's standard
 * validation messages, so a message reads the same from every route.
 */

/** A UUID as Django's UUIDField and Python's uuid.UUID accept it (hyphens optional). */
export const UUID_RE = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

export const isUuid = (value: string): boolean => UUID_RE.test(value);

export const DRF_MESSAGES = {
  required: "This field is required.",
  notNull: "This field may not be null.",
  blank: "This field may not be blank.",
  invalidUuid: "Must be a valid UUID.",
  /** django-filter's and Django forms' UUID message. */
  enterValidUuid: "Enter a valid UUID.",
  /** Django's ModelChoiceField (django-filter's model filters). */
  invalidChoice: "Select a valid choice. That choice is not one of the available choices.",
  /** Django's ChoiceField, naming the value. */
  invalidChoiceValue: (value: unknown) =>
    `Select a valid choice. ${String(value)} is not one of the available choices.`,
  /** DRF's ChoiceField. */
  notAValidChoice: (value: unknown) => `"${String(value)}" is not a valid choice.`,
  /** DRF's PrimaryKeyRelatedField. */
  invalidPk: (id: unknown) => `Invalid pk "${String(id)}" - object does not exist.`,
} as const;
