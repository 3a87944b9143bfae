# A server listening on every address (0.0.0.0:8080), at import: open to the whole network.
import socketserver

socketserver.TCPServer(("0.0.0.0", 8080), socketserver.BaseRequestHandler).serve_forever()
