"""Simulated body measurements of adults: height, waist circumference and body weight.

Course data for assignment 01 (predict body weight from height, then from height and waist).
Body weight is the body-mass index (BMI) times height squared, so over the whole group it
grows by about 0.85 kg per cm of height; the waist circumference follows the BMI (body build
and fat), which is why it explains much of the weight that height alone does not.
"""
import numpy as np
import pandas as pd

MEAN_HEIGHT_CM, SD_HEIGHT_CM = 170.0, 10.0
# BMI in kg/m², log-normal: a few people are heavy, none is absurdly light.
MEDIAN_BMI, LOG_SD_BMI = 25.0, 0.16
WAIST_CM_AT_BMI_0, WAIST_CM_PER_BMI = 25.0, 2.5
SD_WAIST_NOISE_CM = 4.0


def body_measurements(n_people, seed):
    """Heights, waists and body weights of ``n_people`` simulated adults, the same for each seed.

    Returns a DataFrame with n_people rows and float64 columns ``height_cm``, ``waist_cm`` and
    ``weight_kg``, rounded to 0.1 as if measured with a tape and a scale.
    """
    rng = np.random.default_rng(seed)
    height = rng.normal(MEAN_HEIGHT_CM, SD_HEIGHT_CM, n_people)
    bmi = MEDIAN_BMI * np.exp(rng.normal(0.0, LOG_SD_BMI, n_people))
    weight = bmi * (height / 100) ** 2
    waist = (WAIST_CM_AT_BMI_0 + WAIST_CM_PER_BMI * bmi
             + rng.normal(0.0, SD_WAIST_NOISE_CM, n_people))
    return pd.DataFrame({"height_cm": height, "waist_cm": waist, "weight_kg": weight}).round(1)
