"""Episodes (a FACT-VVT or acute crisis followed until hand-back to regular care) and the mantelzorger's EDIZ."""
