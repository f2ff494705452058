print("eval: not yet")
