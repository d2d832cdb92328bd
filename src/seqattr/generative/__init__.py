"""Generative models of positive-only protein sequence sets (the models GAMA explains)."""
