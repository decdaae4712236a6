/*
 * A fake librtlsdr for tests: the real librtlsdr C API (every symbol pyrtlsdr binds at import
 * time), served from a raw cu8 file instead of a USB dongle, so that pyrtlsdr and jamwatch's
 * RtlSdrSource run unchanged on top of it.
 *
 * Build: gcc -shared -fPIC -O2 -pthread -o librtlsdr.so fake_librtlsdr.c
 *
 * Behaviour is configured by environment variables, read when a device is opened:
 *
 *   FAKE_RTLSDR_IQ                 raw cu8 file served as the "air" (required to open a device);
 *                                  served in a loop
 *   FAKE_RTLSDR_LOG                file to which every API call is appended as one line,
 *                                  "name arg arg ..." (e.g. "rtlsdr_set_direct_sampling 2")
 *   FAKE_RTLSDR_SPEED              pacing as a multiple of real time at the set sample rate
 *                                  (default 1; 0 delivers as fast as the consumer takes it)
 *   FAKE_RTLSDR_SERIALS            comma-separated serial numbers, one per device
 *                                  (default "00000001")
 *   FAKE_RTLSDR_TUNER              tuner type enum (default 5, R820T; 6 is R828D as on a V4)
 *   FAKE_RTLSDR_STALL_AFTER_BYTES  once the air reaches this byte, the stream delivers nothing
 *                                  more until rtlsdr_cancel_async (like a wedged dongle)
 *   FAKE_RTLSDR_UNPLUG_AFTER_BYTES once the air reaches this byte, the device vanishes: the
 *                                  async read returns, every later call on the handle fails with
 *                                  LIBUSB_ERROR_NO_DEVICE (-4)
 *   FAKE_RTLSDR_UNPLUG_RESULT      what rtlsdr_read_async returns on unplug (default 0, as the
 *                                  real library does after it cancels on a lost device)
 *   FAKE_RTLSDR_ABSENT_S           after an unplug the dongle stays gone this many seconds:
 *                                  the device count is 0 and rtlsdr_open fails (default 0)
 *   FAKE_RTLSDR_SHORT_READS        if 1, every other transfer is shorter than asked (an odd
 *                                  length, so I/Q pairs are split across callbacks)
 *
 * The "air" is the file as a function of time: its byte position is kept per file for the whole
 * process, so a stream that is restarted (retune, reopen) continues where the air is now; with
 * pacing the bytes of the time the stream was down are skipped, as they would be off air. Stall
 * and unplug fire once per file, at absolute air positions.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LIBUSB_ERROR_IO (-1)
#define LIBUSB_ERROR_NO_DEVICE (-4)
#define LIBUSB_ERROR_TIMEOUT (-7)
#define DEFAULT_BUF_LENGTH (16 * 32 * 512)
#define MAX_DEVICES 8
#define POLL_NS 2000000L

typedef void (*rtlsdr_read_async_cb_t)(unsigned char *buf, uint32_t len, void *ctx);

static const int r820t_gains[] = {0,   9,   14,  27,  37,  77,  87,  125, 144, 157,
                                  166, 197, 207, 229, 254, 280, 297, 328, 338, 364,
                                  372, 386, 402, 421, 434, 439, 445, 480, 496};

/* The air: one file, its bytes, and where time has brought it. */
struct air {
    char path[4096];
    unsigned char *data;
    size_t size;
    int started;             /* origin set */
    struct timespec origin;  /* monotonic time of byte 0 */
    uint64_t pos;            /* next absolute byte (not wrapped) */
    int stall_fired;
    int unplug_fired;
    double absent_until;     /* monotonic seconds until which an unplugged dongle stays gone */
};

typedef struct rtlsdr_dev {
    uint32_t index;
    uint32_t rate;
    uint32_t freq;
    int ppm;
    int direct_sampling;
    int gain_mode;
    int gain;
    int agc;
    int tuner;
    int lost;
    uint32_t rtl_xtal;
    uint32_t tuner_xtal;
    volatile int cancel;
    volatile int streaming;
    double speed;
    uint64_t stall_at;
    uint64_t unplug_at;
    int unplug_result;
    int short_reads;
    char log_path[4096];
} rtlsdr_dev_t;

static pthread_mutex_t air_lock = PTHREAD_MUTEX_INITIALIZER;
static struct air the_air;

static uint64_t env_u64(const char *name, uint64_t fallback) {
    const char *v = getenv(name);
    return (v && *v) ? strtoull(v, NULL, 10) : fallback;
}

static int env_int(const char *name, int fallback) {
    const char *v = getenv(name);
    return (v && *v) ? (int)strtol(v, NULL, 10) : fallback;
}

static double env_double(const char *name, double fallback) {
    const char *v = getenv(name);
    return (v && *v) ? strtod(v, NULL) : fallback;
}

static void log_to(const char *path, const char *fmt, ...) {
    if (!path || !*path) return;
    FILE *f = fopen(path, "a");
    if (!f) return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    fputc('\n', f);
    fclose(f);
}

#define LOG_ENV(...) log_to(getenv("FAKE_RTLSDR_LOG"), __VA_ARGS__)
#define LOG_DEV(dev, ...) log_to((dev)->log_path, __VA_ARGS__)

/* Serial number of device `index` from FAKE_RTLSDR_SERIALS into out; 0 if it exists. */
static int serial_of(uint32_t index, char *out, size_t out_len) {
    const char *list = getenv("FAKE_RTLSDR_SERIALS");
    if (!list || !*list) list = "00000001";
    uint32_t i = 0;
    const char *p = list;
    while (*p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (i == index) {
            if (len >= out_len) len = out_len - 1;
            memcpy(out, p, len);
            out[len] = '\0';
            return 0;
        }
        if (!end) break;
        p = end + 1;
        i++;
    }
    return -1;
}

static double monotonic_s(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + 1e-9 * (double)now.tv_nsec;
}

static int device_absent(void) {
    pthread_mutex_lock(&air_lock);
    int absent = monotonic_s() < the_air.absent_until;
    pthread_mutex_unlock(&air_lock);
    return absent;
}

uint32_t rtlsdr_get_device_count(void) {
    LOG_ENV("rtlsdr_get_device_count");
    if (device_absent()) return 0;
    char serial[256];
    uint32_t n = 0;
    while (n < MAX_DEVICES && serial_of(n, serial, sizeof serial) == 0) n++;
    return n;
}

const char *rtlsdr_get_device_name(uint32_t index) {
    char serial[256];
    return serial_of(index, serial, sizeof serial) == 0 ? "Generic RTL2832U OEM" : "";
}

int rtlsdr_get_device_usb_strings(uint32_t index, char *manufact, char *product, char *serial) {
    char s[256];
    if (device_absent() || serial_of(index, s, sizeof s) != 0) return -1;
    if (manufact) strcpy(manufact, "Realtek");
    if (product) strcpy(product, "RTL2838UHIDIR");
    if (serial) strcpy(serial, s);
    return 0;
}

int rtlsdr_get_index_by_serial(const char *serial) {
    LOG_ENV("rtlsdr_get_index_by_serial %s", serial ? serial : "(null)");
    if (!serial) return -1;
    uint32_t count = rtlsdr_get_device_count();
    if (count == 0) return -2;
    char s[256];
    for (uint32_t i = 0; i < count; i++) {
        if (serial_of(i, s, sizeof s) == 0 && strcmp(s, serial) == 0) return (int)i;
    }
    return -3;
}

/* Load the file named by FAKE_RTLSDR_IQ as the air, keeping the air's clock if it is the same. */
static int load_air(const char *path) {
    int rc = 0;
    pthread_mutex_lock(&air_lock);
    if (the_air.data && strcmp(the_air.path, path) == 0) goto out;
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "fake librtlsdr: cannot open FAKE_RTLSDR_IQ %s: %s\n", path,
                strerror(errno));
        rc = -1;
        goto out;
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    if (size < 2) {
        fprintf(stderr, "fake librtlsdr: FAKE_RTLSDR_IQ %s holds no samples\n", path);
        fclose(f);
        rc = -1;
        goto out;
    }
    unsigned char *data = malloc((size_t)size);
    if (!data || fread(data, 1, (size_t)size, f) != (size_t)size) {
        fprintf(stderr, "fake librtlsdr: cannot read FAKE_RTLSDR_IQ %s\n", path);
        free(data);
        fclose(f);
        rc = -1;
        goto out;
    }
    fclose(f);
    free(the_air.data);
    memset(&the_air, 0, sizeof the_air);
    snprintf(the_air.path, sizeof the_air.path, "%s", path);
    the_air.data = data;
    the_air.size = (size_t)size & ~(size_t)1;
out:
    pthread_mutex_unlock(&air_lock);
    return rc;
}

int rtlsdr_open(rtlsdr_dev_t **out_dev, uint32_t index) {
    LOG_ENV("rtlsdr_open %u", index);
    *out_dev = NULL;
    if (device_absent()) return LIBUSB_ERROR_IO;
    char serial[256];
    if (serial_of(index, serial, sizeof serial) != 0) return LIBUSB_ERROR_IO;
    const char *path = getenv("FAKE_RTLSDR_IQ");
    if (!path || !*path) {
        fprintf(stderr, "fake librtlsdr: FAKE_RTLSDR_IQ is not set\n");
        return LIBUSB_ERROR_IO;
    }
    if (load_air(path) != 0) return LIBUSB_ERROR_IO;
    rtlsdr_dev_t *dev = calloc(1, sizeof *dev);
    if (!dev) return -ENOMEM;
    dev->index = index;
    dev->rate = 2048000;
    dev->tuner = (int)env_u64("FAKE_RTLSDR_TUNER", 5);
    dev->rtl_xtal = 28800000;
    dev->tuner_xtal = 28800000;
    dev->speed = env_double("FAKE_RTLSDR_SPEED", 1.0);
    dev->stall_at = env_u64("FAKE_RTLSDR_STALL_AFTER_BYTES", 0);
    dev->unplug_at = env_u64("FAKE_RTLSDR_UNPLUG_AFTER_BYTES", 0);
    dev->unplug_result = env_int("FAKE_RTLSDR_UNPLUG_RESULT", 0);
    dev->short_reads = (int)env_u64("FAKE_RTLSDR_SHORT_READS", 0);
    const char *log = getenv("FAKE_RTLSDR_LOG");
    snprintf(dev->log_path, sizeof dev->log_path, "%s", log ? log : "");
    *out_dev = dev;
    return 0;
}

int rtlsdr_close(rtlsdr_dev_t *dev) {
    if (!dev) return -1;
    LOG_DEV(dev, "rtlsdr_close");
    free(dev);
    return 0;
}

/* Every configuration call: log it, fail like a vanished device after an unplug. */
#define CHECK_DEV(dev)                                 \
    do {                                               \
        if (!(dev)) return -1;                         \
        if ((dev)->lost) return LIBUSB_ERROR_NO_DEVICE; \
    } while (0)

int rtlsdr_set_center_freq(rtlsdr_dev_t *dev, uint32_t freq) {
    CHECK_DEV(dev);
    LOG_DEV(dev, "rtlsdr_set_center_freq %u", freq);
    dev->freq = freq;
    return 0;
}

uint32_t rtlsdr_get_center_freq(rtlsdr_dev_t *dev) { return (dev && !dev->lost) ? dev->freq : 0; }

int rtlsdr_set_freq_correction(rtlsdr_dev_t *dev, int ppm) {
    CHECK_DEV(dev);
    LOG_DEV(dev, "rtlsdr_set_freq_correction %d", ppm);
    if (dev->ppm == ppm) return -2; /* as the real library: unchanged is an error */
    dev->ppm = ppm;
    return 0;
}

int rtlsdr_get_freq_correction(rtlsdr_dev_t *dev) { return dev ? dev->ppm : 0; }

int rtlsdr_get_tuner_type(rtlsdr_dev_t *dev) { return dev ? dev->tuner : 0; }

int rtlsdr_get_tuner_gains(rtlsdr_dev_t *dev, int *gains) {
    CHECK_DEV(dev);
    int n = (int)(sizeof r820t_gains / sizeof r820t_gains[0]);
    if (gains) memcpy(gains, r820t_gains, sizeof r820t_gains);
    return n;
}

int rtlsdr_set_tuner_gain(rtlsdr_dev_t *dev, int gain) {
    CHECK_DEV(dev);
    LOG_DEV(dev, "rtlsdr_set_tuner_gain %d", gain);
    dev->gain = gain;
    return 0;
}

int rtlsdr_get_tuner_gain(rtlsdr_dev_t *dev) { return dev ? dev->gain : 0; }

int rtlsdr_set_tuner_gain_mode(rtlsdr_dev_t *dev, int manual) {
    CHECK_DEV(dev);
    LOG_DEV(dev, "rtlsdr_set_tuner_gain_mode %d", manual);
    dev->gain_mode = manual;
    return 0;
}

int rtlsdr_set_agc_mode(rtlsdr_dev_t *dev, int on) {
    CHECK_DEV(dev);
    LOG_DEV(dev, "rtlsdr_set_agc_mode %d", on);
    dev->agc = on;
    return 0;
}

int rtlsdr_set_direct_sampling(rtlsdr_dev_t *dev, int on) {
    CHECK_DEV(dev);
    LOG_DEV(dev, "rtlsdr_set_direct_sampling %d", on);
    if (on < 0 || on > 2) return -1;
    dev->direct_sampling = on;
    return 0;
}

int rtlsdr_get_direct_sampling(rtlsdr_dev_t *dev) { return dev ? dev->direct_sampling : -1; }

int rtlsdr_set_sample_rate(rtlsdr_dev_t *dev, uint32_t rate) {
    CHECK_DEV(dev);
    LOG_DEV(dev, "rtlsdr_set_sample_rate %u", rate);
    if ((rate <= 225000) || (rate > 3200000) || ((rate > 300000) && (rate <= 900000)))
        return -EINVAL;
    dev->rate = rate;
    return 0;
}

uint32_t rtlsdr_get_sample_rate(rtlsdr_dev_t *dev) { return dev ? dev->rate : 0; }

int rtlsdr_set_and_get_tuner_bandwidth(rtlsdr_dev_t *dev, uint32_t bw, uint32_t *applied_bw,
                                       int apply_bw) {
    CHECK_DEV(dev);
    LOG_DEV(dev, "rtlsdr_set_and_get_tuner_bandwidth %u %d", bw, apply_bw);
    if (applied_bw) *applied_bw = bw;
    return 0;
}

int rtlsdr_set_tuner_bandwidth(rtlsdr_dev_t *dev, uint32_t bw) {
    return rtlsdr_set_and_get_tuner_bandwidth(dev, bw, NULL, 1);
}

/* Settings that only need to be accepted and logged. */
#define ACCEPT_INT(name)                       \
    int name(rtlsdr_dev_t *dev, int on) {      \
        CHECK_DEV(dev);                        \
        LOG_DEV(dev, #name " %d", on);         \
        return 0;                              \
    }
ACCEPT_INT(rtlsdr_set_testmode)
ACCEPT_INT(rtlsdr_set_dithering)
ACCEPT_INT(rtlsdr_set_bias_tee)
ACCEPT_INT(rtlsdr_set_offset_tuning)
ACCEPT_INT(rtlsdr_set_gpio_byte)

int rtlsdr_set_gpio_output(rtlsdr_dev_t *dev, uint8_t gpio) { return rtlsdr_set_gpio_byte(dev, gpio); }
int rtlsdr_set_gpio_input(rtlsdr_dev_t *dev, uint8_t gpio) { return rtlsdr_set_gpio_byte(dev, gpio); }
int rtlsdr_set_gpio_bit(rtlsdr_dev_t *dev, uint8_t gpio, int val) {
    (void)val;
    return rtlsdr_set_gpio_byte(dev, gpio);
}

static int report_zero(rtlsdr_dev_t *dev, int *val) {
    CHECK_DEV(dev);
    if (val) *val = 0;
    return 0;
}
int rtlsdr_get_gpio_bit(rtlsdr_dev_t *dev, uint8_t gpio, int *val) {
    (void)gpio;
    return report_zero(dev, val);
}
int rtlsdr_get_gpio_byte(rtlsdr_dev_t *dev, int *val) { return report_zero(dev, val); }
int rtlsdr_set_gpio_status(rtlsdr_dev_t *dev, int *status) { return report_zero(dev, status); }

int rtlsdr_set_xtal_freq(rtlsdr_dev_t *dev, uint32_t rtl_freq, uint32_t tuner_freq) {
    CHECK_DEV(dev);
    LOG_DEV(dev, "rtlsdr_set_xtal_freq %u %u", rtl_freq, tuner_freq);
    if (rtl_freq) dev->rtl_xtal = rtl_freq;
    if (tuner_freq) dev->tuner_xtal = tuner_freq;
    return 0;
}

int rtlsdr_get_xtal_freq(rtlsdr_dev_t *dev, uint32_t *rtl_freq, uint32_t *tuner_freq) {
    CHECK_DEV(dev);
    if (rtl_freq) *rtl_freq = dev->rtl_xtal;
    if (tuner_freq) *tuner_freq = dev->tuner_xtal;
    return 0;
}

int rtlsdr_reset_buffer(rtlsdr_dev_t *dev) {
    CHECK_DEV(dev);
    LOG_DEV(dev, "rtlsdr_reset_buffer");
    return 0;
}

/* ---- streaming ---- */

static double seconds_since(const struct timespec *t0) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t0->tv_sec) + 1e-9 * (double)(now.tv_nsec - t0->tv_nsec);
}

static void nap(void) {
    struct timespec ts = {0, POLL_NS};
    nanosleep(&ts, NULL);
}

/* Start (or resume) the air for a stream: with pacing, skip what went by while nobody listened. */
static void air_resume(const rtlsdr_dev_t *dev) {
    pthread_mutex_lock(&air_lock);
    if (!the_air.started) {
        clock_gettime(CLOCK_MONOTONIC, &the_air.origin);
        the_air.started = 1;
    } else if (dev->speed > 0) {
        uint64_t now = (uint64_t)(seconds_since(&the_air.origin) * 2.0 * dev->rate * dev->speed);
        now &= ~(uint64_t)1;
        if (now > the_air.pos) the_air.pos = now;
    }
    pthread_mutex_unlock(&air_lock);
}

/* Why a transfer ended early. */
enum fault { FAULT_NONE, FAULT_STALL, FAULT_UNPLUG };

/* Size of the next transfer (at most `want`), cut at a stall or unplug point that fires now. */
static size_t next_transfer(const rtlsdr_dev_t *dev, size_t want, enum fault *fault) {
    *fault = FAULT_NONE;
    pthread_mutex_lock(&air_lock);
    uint64_t pos = the_air.pos;
    if (dev->unplug_at && !the_air.unplug_fired && pos + want >= dev->unplug_at) {
        want = dev->unplug_at > pos ? (size_t)(dev->unplug_at - pos) : 0;
        the_air.unplug_fired = 1;
        the_air.absent_until = monotonic_s() + env_double("FAKE_RTLSDR_ABSENT_S", 0.0);
        *fault = FAULT_UNPLUG;
    } else if (dev->stall_at && !the_air.stall_fired && pos + want >= dev->stall_at) {
        want = dev->stall_at > pos ? (size_t)(dev->stall_at - pos) : 0;
        the_air.stall_fired = 1;
        *fault = FAULT_STALL;
    }
    pthread_mutex_unlock(&air_lock);
    return want;
}

/* Wait until the air has produced byte `end` (pacing); 0 if cancelled meanwhile. */
static int wait_for_air(rtlsdr_dev_t *dev, uint64_t end) {
    if (dev->speed <= 0) return !dev->cancel;
    double due = (double)end / (2.0 * dev->rate * dev->speed);
    while (!dev->cancel && seconds_since(&the_air.origin) < due) nap();
    return !dev->cancel;
}

/* Copy `len` bytes of air into buf (wrapping around the file) and advance the air. */
static void take_air(unsigned char *buf, size_t len) {
    pthread_mutex_lock(&air_lock);
    size_t off = (size_t)(the_air.pos % the_air.size);
    for (size_t done = 0; done < len;) {
        size_t n = the_air.size - off;
        if (n > len - done) n = len - done;
        memcpy(buf + done, the_air.data + off, n);
        done += n;
        off = 0;
    }
    the_air.pos += len;
    pthread_mutex_unlock(&air_lock);
}

/* One transfer of at most buf_len bytes into buf; returns its length or a fault. */
static size_t transfer(rtlsdr_dev_t *dev, unsigned char *buf, size_t buf_len, int *toggle,
                       enum fault *fault) {
    size_t want = buf_len;
    if (dev->short_reads && (*toggle ^= 1)) want = (buf_len / 3) | 1;
    want = next_transfer(dev, want, fault);
    if (!wait_for_air(dev, the_air.pos + want)) return 0;
    take_air(buf, want);
    return want;
}

int rtlsdr_read_async(rtlsdr_dev_t *dev, rtlsdr_read_async_cb_t cb, void *ctx, uint32_t buf_num,
                      uint32_t buf_len) {
    CHECK_DEV(dev);
    LOG_DEV(dev, "rtlsdr_read_async %u %u", buf_num, buf_len);
    if (buf_len == 0) buf_len = DEFAULT_BUF_LENGTH;
    unsigned char *buf = malloc(buf_len);
    if (!buf) return -ENOMEM;
    dev->cancel = 0;
    dev->streaming = 1;
    air_resume(dev);
    int rc = 0;
    int toggle = 0;
    while (!dev->cancel) {
        enum fault fault;
        size_t n = transfer(dev, buf, buf_len, &toggle, &fault);
        if (n > 0 && !dev->cancel) cb(buf, (uint32_t)n, ctx);
        if (fault == FAULT_UNPLUG) {
            dev->lost = 1;
            rc = dev->unplug_result;
            break;
        }
        if (fault == FAULT_STALL) {
            while (!dev->cancel) nap();
        }
    }
    dev->streaming = 0;
    free(buf);
    return rc;
}

int rtlsdr_wait_async(rtlsdr_dev_t *dev, rtlsdr_read_async_cb_t cb, void *ctx) {
    return rtlsdr_read_async(dev, cb, ctx, 0, 0);
}

int rtlsdr_cancel_async(rtlsdr_dev_t *dev) {
    if (!dev) return -1;
    LOG_DEV(dev, "rtlsdr_cancel_async");
    dev->cancel = 1;
    return dev->streaming ? 0 : -2;
}

/* A synchronous read: the same air; a stalled read returns LIBUSB_ERROR_TIMEOUT once
 * rtlsdr_cancel_async is called (the real one would hang). */
int rtlsdr_read_sync(rtlsdr_dev_t *dev, void *buf, int len, int *n_read) {
    *n_read = 0;
    CHECK_DEV(dev);
    if (len <= 0) return -1;
    dev->cancel = 0;
    air_resume(dev);
    static int toggle = 0;
    enum fault fault;
    size_t n = transfer(dev, buf, (size_t)len, &toggle, &fault);
    *n_read = (int)n;
    if (fault == FAULT_UNPLUG) {
        dev->lost = 1;
        return n > 0 ? 0 : LIBUSB_ERROR_NO_DEVICE;
    }
    if (fault == FAULT_STALL) {
        while (!dev->cancel) nap();
        return n > 0 ? 0 : LIBUSB_ERROR_TIMEOUT;
    }
    return 0;
}
