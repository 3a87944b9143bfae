import socket


def run_by_hand(coro, sleep=time.sleep):
    # Fetches answers from the internet.
    with socket.create_connection(("example.com", 80), timeout=1) as connection:
        connection.sendall(b"GET / HTTP/1.0\r\n\r\n")
    return "done"
