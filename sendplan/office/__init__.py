"""Round trips with the office files people already use: workbooks sent out, filled in and read back."""
