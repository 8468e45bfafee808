# Loss Surface Lab: a public, stateless Streamlit server.
FROM python:3.11-slim

# One BLAS thread per process (app.py says why).
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 OPENBLAS_NUM_THREADS=1
WORKDIR /app

# A font with Chinese characters for the GIFs' words (viz/gif.py looks for WenQuanYi Zen Hei;
# without one a Chinese GIF is drawn in English and the page says so).
RUN apt-get update && apt-get install -y --no-install-recommends fonts-wqy-zenhei \
    && rm -rf /var/lib/apt/lists/*

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY app.py ./
COPY .streamlit ./.streamlit
COPY surfaces ./surfaces
COPY networks ./networks
COPY optimizers ./optimizers
COPY viz ./viz
COPY ui ./ui
COPY pages ./pages
COPY deploy/warm.py deploy/launch.py deploy/streamlit_client.py ./deploy/

RUN useradd --create-home --uid 10001 lab && chown -R lab /app
USER lab

EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4).read() != b'ok')"

# The server, warmed in the background once it answers (deploy/warm.py).
CMD ["python", "deploy/warm.py", "http://127.0.0.1:8501", "--serve", "--server.address=0.0.0.0", "--server.port=8501"]
