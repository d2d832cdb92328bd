"""Saliency of sequence classifiers and the tests of it: perturbation and motif recovery."""
