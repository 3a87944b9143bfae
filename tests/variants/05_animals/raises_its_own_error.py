async def speak(animal, session):
    async with session.get(f"{BASE_URL}/{animal}") as response:
        if response.status >= 400:  # Wrong: not the error the contract names
            raise ValueError(f"the farm answered {response.status} for {animal}")
        return f'The {animal} says "{await response.text()}".'
