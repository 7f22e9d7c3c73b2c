"""Finding 1 (notebook 01): the commissioners' forecast shortfall more than doubled from Q1 to Q2 2013-14."""
