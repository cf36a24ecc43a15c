/** Dates as the original's e-mails and documents write them (Django and strftime formats). */
export const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

/** `2024-06-05` → `5 June 2024`: Django's `date:"j F Y"`, strftime's `%-d %B %Y`. */
export function longDate(isoDate: string): string {
  const [year, month, day] = isoDate.split("-").map(Number);
  return `${day} ${MONTHS[month - 1]} ${year}`;
}
