/**
 * Order pricing, as the original's datahub/omis/order/pricing.py: the assignees' total
 * estimated time at the hourly rate, less the discount, plus VAT when it applies. All
 * values are integer pence, rounded as Python's round() (half to even).
 */

export interface Pricing {
  net_cost: number;
  subtotal_cost: number;
  vat_cost: number;
  total_cost: number;
}

export const ZERO_PRICING: Pricing = { net_cost: 0, subtotal_cost: 0, vat_cost: 0, total_cost: 0 };

export interface PricingInput {
  vat_status: string;
  vat_verified: boolean | null;
  vat_number: string;
  discount_value: number;
  /** Minutes, summed over the assignees. */
  estimated_time: number;
  /** Pence per hour. */
  rate_value: number;
  /** Percent, e.g. "20.00". */
  vat_value: string | number;
}

/** Python's round() of a float: halves go to the even neighbour. */
function pythonRound(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** The VAT fields the pricing needs (VATSubValidator); the first missing one, if any. */
export function missingVatField(
  order: Pick<PricingInput, "vat_status" | "vat_verified" | "vat_number">,
): "vat_status" | "vat_verified" | "vat_number" | null {
  if (!order.vat_status) return "vat_status";
  if (order.vat_status === "eu") {
    if (order.vat_verified === null || order.vat_verified === undefined) return "vat_verified";
    if (order.vat_verified && !order.vat_number) return "vat_number";
  }
  return null;
}

/** UK always pays VAT, outside the EU never, the EU unless the VAT number was verified. */
function vatApplies(order: PricingInput): boolean {
  if (order.vat_status === "uk") return true;
  if (order.vat_status === "outside_eu") return false;
  return !order.vat_verified;
}

export function calculatePricing(order: PricingInput): Pricing {
  if (missingVatField(order) || order.estimated_time === 0) return ZERO_PRICING;
  const vatValue = vatApplies(order) ? Number(order.vat_value) : 0;
  const net = pythonRound((order.estimated_time / 60) * order.rate_value);
  const subtotal = Math.max(net - order.discount_value, 0);
  const vat = pythonRound(vatValue * subtotal * 0.01);
  return { net_cost: net, subtotal_cost: subtotal, vat_cost: vat, total_cost: subtotal + vat };
}
