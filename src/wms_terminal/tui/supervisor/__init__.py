"""The supervisor's desk: order pool and wave preview, floor map, live progress, waves and lists."""
