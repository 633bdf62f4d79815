# Independent reference for the complaint_hazard mart's proportional-hazards tests of the
# demo's 2026-10 (tests/e2e/churn.rs), on the long
# (start, stop] table that hazard_reference.py writes:
#   python3 tests/reference/hazard_reference.py data/lake /tmp/hazard_long.csv
#   Rscript tests/reference/hazard_reference.R /tmp/hazard_long.csv
# R 4.2, survival 3.5.3 (Debian bookworm's r-cran-survival).
library(survival)
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(if (length(args)) args[1] else "/tmp/hazard_long.csv", check.names = FALSE)
ctl <- grep("^tier:", names(d), value = TRUE)
names(d) <- make.names(names(d))
ctl <- make.names(ctl)
for (terms in list("complained", c("complaint_open", "complaint_in_time", "complaint_late"))) {
  f <- coxph(as.formula(paste("Surv(start, stop, event) ~", paste(c(terms, ctl), collapse = " + "))),
             data = d, ties = "efron")
  print(coef(f), digits = 17)
  print(cox.zph(f, terms = FALSE)$table, digits = 17)
}
