# A server started at import, outside `if __name__ == "__main__":`: serve_forever never returns.
import socketserver


class Echo(socketserver.BaseRequestHandler):
    def handle(self):
        self.request.sendall(self.request.recv(1024))


socketserver.TCPServer(("127.0.0.1", 0), Echo).serve_forever()
