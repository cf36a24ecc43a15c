/** A body `POST /v4/company` accepts (reference data from the seed), named `name`. */
export function companyBody(name: string) {
  return {
    name,
    business_type: "98d14e94-5d95-e211-a939-e4115bead28a",
    sector: { id: "af959812-6095-e211-a939-e4115bead28a" },
    uk_region: "1718e330-6095-e211-a939-e4115bead28a",
    address: {
      line_1: "1 High St",
      town: "London",
      country: { id: "80756b9a-5d95-e211-a939-e4115bead28a" },
    },
  };
}
