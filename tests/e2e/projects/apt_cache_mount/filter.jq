.packages[] | "\(.name): \(.why)"
