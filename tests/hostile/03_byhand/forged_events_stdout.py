# The child's own protocol, printed on stdout.
import json

for index in range(20):
    print(json.dumps({"event": "start", "index": index}))
    print(json.dumps({"event": "result", "index": index, "passed": True}))
print(json.dumps({"event": "finished"}))
