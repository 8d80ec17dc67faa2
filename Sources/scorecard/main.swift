print("scorecard")
