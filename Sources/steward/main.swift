print("steward")
