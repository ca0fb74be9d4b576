"""Anju (安居): operations platform of a municipal housing security service center."""
