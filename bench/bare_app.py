"""A bare FastAPI app that answers every webhook with 202: the ingest baseline."""

from __future__ import annotations

from fastapi import FastAPI, Request

app = FastAPI()


@app.post("/hooks/{source}", status_code=202)
async def receive(source: str, request: Request) -> dict[str, object]:
    """Read the body and answer, nothing else."""
    await request.body()
    return {"accepted": True, "delivery_id": "0"}
