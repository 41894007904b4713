"""Work resumption: enterprises and construction sites under closed-loop management."""
