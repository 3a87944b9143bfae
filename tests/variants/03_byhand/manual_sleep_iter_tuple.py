# Right: manual_sleep as a class whose __await__ hands back an iterator over the one delay.
class manual_sleep:
    def __init__(self, n):
        self.n = n

    def __await__(self):
        return iter((self.n,))
