"""The synthetic demo city (大同市) and, later, its outbreak scenario."""
