"""Independent reference for the churn model on tests/fixtures/stranger/ecommerce_churn.csv
(csat's fixture in the layout of the public E-commerce Customer Churn data): a logistic
regression of Churn on Complain, CityTier dummies (against the most frequent tier, 1),
Tenure and SatisfactionScore, on the customers with every value (statsmodels drops the
others, missing="drop"). tests/e2e.rs compares csat's churn_model mart with these values.

    python3 tests/reference/churn_model_reference.py tests/fixtures/stranger/ecommerce_churn.csv
"""
import sys

import pandas as pd
import statsmodels.api as sm

df = pd.read_csv(sys.argv[1] if len(sys.argv) > 1 else "tests/fixtures/stranger/ecommerce_churn.csv")
df = df.dropna(subset=["Tenure"])
X = pd.DataFrame({
    "intercept": 1.0,
    "complained": df["Complain"].astype(float),
    "city_tier:3": (df["CityTier"] == 3).astype(float),
    "city_tier:2": (df["CityTier"] == 2).astype(float),
    "tenure_months": df["Tenure"].astype(float),
    "sat_score": df["SatisfactionScore"].astype(float),
})
fit = sm.Logit(df["Churn"].astype(float), X).fit(disp=0, tol=1e-12, maxiter=100)
print(f"n={len(df)} events={int(df['Churn'].sum())} llf={fit.llf!r}")
for term in X.columns:
    print(f"{term} coef={fit.params[term]!r} se={fit.bse[term]!r} p={fit.pvalues[term]!r}")
