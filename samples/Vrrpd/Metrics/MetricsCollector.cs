using System.Buffers;
using System.Diagnostics.Metrics;
using System.Text;

namespace Vrrpd.Metrics;

/// <summary>
/// Collects the measurements of the meters it accepts (vrrpd: the library's meter <c>Vrrp</c>) through a
/// <see cref="MeterListener"/>, and renders them in the Prometheus text format on request: counters keep a running
/// total, up-down counters a running sum, gauges their last value, histograms their buckets, and observable
/// instruments are read at scrape time (<see cref="MeterListener.RecordObservableInstruments"/>), so a scrape sees
/// the state of that moment. Cumulative, as the OpenTelemetry Prometheus exporter it replaces.
/// </summary>
/// <remarks>
/// Measurements of synchronous instruments come from any thread; a scrape takes one lock for its whole collection,
/// the recording of a measurement a second, short one.
/// </remarks>
internal sealed class MetricsCollector : IDisposable
{
    /// <summary>OpenTelemetry's default explicit bucket boundaries, for a histogram without advice.</summary>
    internal static readonly double[] DefaultBoundaries = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];

    private readonly MeterListener _listener;
    private readonly Lock _scrapeGate = new();
    private readonly Lock _gate = new();
    private readonly List<MetricFamily> _families = [];
    private readonly IReadOnlyList<KeyValuePair<string, string>> _target;
    private readonly StringBuilder _text = new(4096);

    /// <summary>Starts listening to the meters <paramref name="accept"/> takes.</summary>
    /// <param name="accept">Which meters to collect.</param>
    /// <param name="target">The labels of <c>target_info</c> (the service's name, version, instance), or empty for none.</param>
    public MetricsCollector(Func<Meter, bool> accept, IReadOnlyList<KeyValuePair<string, string>> target)
    {
        _target = target;
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (accept(instrument.Meter) && MetricFamily.TryCreate(instrument) is { } family)
                {
                    lock (_gate)
                    {
                        _families.Add(family);
                    }

                    listener.EnableMeasurementEvents(instrument, family);
                }
            },
            MeasurementsCompleted = (_, state) =>
            {
                lock (_gate)
                {
                    _families.Remove((MetricFamily)state!);
                }
            },
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, state) => Record(state, v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, state) => Record(state, v, tags));
        _listener.SetMeasurementEventCallback<short>((i, v, tags, state) => Record(state, v, tags));
        _listener.SetMeasurementEventCallback<byte>((i, v, tags, state) => Record(state, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, state) => Record(state, v, tags));
        _listener.SetMeasurementEventCallback<float>((i, v, tags, state) => Record(state, v, tags));
        _listener.SetMeasurementEventCallback<decimal>((i, v, tags, state) => Record(state, (double)v, tags));
        _listener.Start();
    }

    /// <summary>Reads the observable instruments and renders every metric in the Prometheus text format 0.0.4.</summary>
    public string Scrape()
    {
        lock (_scrapeGate)
        {
            return Render().ToString();
        }
    }

    /// <summary>
    /// <see cref="Scrape"/> in UTF-8, in an array rented from <see cref="ArrayPool{T}.Shared"/> (the caller returns
    /// it). The text is built in a builder kept from one scrape to the next and the answer's array is pooled: with
    /// 255 instances the exposition is about 330 KB, and new arrays of that size at each scrape would be large
    /// objects, resident until a full collection.
    /// </summary>
    public (byte[] Rented, int Length) ScrapeUtf8()
    {
        lock (_scrapeGate)
        {
            var text = Render();
            int length = 0;
            foreach (var chunk in text.GetChunks())
            {
                length += Encoding.UTF8.GetByteCount(chunk.Span);
            }

            byte[] rented = ArrayPool<byte>.Shared.Rent(length);
            int written = 0;
            foreach (var chunk in text.GetChunks())
            {
                written += Encoding.UTF8.GetBytes(chunk.Span, rented.AsSpan(written));
            }

            return (rented, written);
        }
    }

    /// <summary>Collects and renders into <see cref="_text"/>; under <see cref="_scrapeGate"/>.</summary>
    private StringBuilder Render()
    {
        {
            lock (_gate)
            {
                foreach (var family in _families)
                {
                    family.BeginObservation();
                }
            }

            _listener.RecordObservableInstruments();
            var text = _text.Clear();
            if (_target.Count > 0)
            {
                PrometheusText.AppendTargetInfo(text, _target);
            }

            lock (_gate)
            {
                foreach (var family in _families.OrderBy(f => f.Name, StringComparer.Ordinal))
                {
                    family.AppendTo(text);
                }
            }

            return text;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _listener.Dispose();

    private void Record(object? state, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (state is not MetricFamily family)
        {
            return;
        }

        lock (_gate)
        {
            family.Record(family.Labels(tags), value);
        }
    }

    /// <summary>The kind of Prometheus metric an instrument becomes.</summary>
    internal enum Kind
    {
        /// <summary>Counter and observable counter: <c>_total</c>.</summary>
        Counter,

        /// <summary>Gauge, observable gauge, up-down counter and its observable form.</summary>
        Gauge,

        /// <summary>Histogram: <c>_bucket</c>, <c>_sum</c>, <c>_count</c>.</summary>
        Histogram,
    }

    /// <summary>One instrument's series, keyed by their rendered labels, in the order they first appeared.</summary>
    private sealed class MetricFamily
    {
        private const int MaxCachedLabels = 16384;

        private readonly Dictionary<string, Point> _points = new(StringComparer.Ordinal);
        private readonly Dictionary<TagKey, string> _labels = [];
        private readonly bool _integral;
        private readonly bool _observable;
        private readonly bool _sums;
        private readonly double[] _boundaries;

        private MetricFamily(Instrument instrument, Kind kind, bool integral, bool sums, double[] boundaries)
        {
            Kind = kind;
            ScopeName = instrument.Meter.Name;
            Name = PrometheusText.MetricName(instrument.Name, instrument.Unit, kind);
            Help = instrument.Description;
            _integral = integral;
            _observable = instrument.IsObservable;
            _sums = sums;
            _boundaries = boundaries;
        }

        public Kind Kind { get; }

        public string ScopeName { get; }

        public string Name { get; }

        public string? Help { get; }

        /// <summary>The family of an instrument, or null for a kind Prometheus has no form for.</summary>
        public static MetricFamily? TryCreate(Instrument instrument)
        {
            var type = instrument.GetType();
            if (!type.IsGenericType)
            {
                return null;
            }

            var definition = type.GetGenericTypeDefinition();
            var valueType = type.GetGenericArguments()[0];
            bool integral = valueType == typeof(long) || valueType == typeof(int) || valueType == typeof(short) || valueType == typeof(byte);
            if (definition == typeof(Counter<>))
            {
                return new MetricFamily(instrument, Kind.Counter, integral, sums: true, []);
            }

            if (definition == typeof(UpDownCounter<>))
            {
                return new MetricFamily(instrument, Kind.Gauge, integral, sums: true, []);
            }

            if (definition == typeof(ObservableCounter<>))
            {
                return new MetricFamily(instrument, Kind.Counter, integral, sums: false, []);
            }

            if (definition == typeof(ObservableGauge<>) || definition == typeof(ObservableUpDownCounter<>) || definition == typeof(Gauge<>))
            {
                return new MetricFamily(instrument, Kind.Gauge, integral, sums: false, []);
            }

            if (definition == typeof(Histogram<>))
            {
                return new MetricFamily(instrument, Kind.Histogram, integral, sums: true, Boundaries(instrument));
            }

            return null;
        }

        private static double[] Boundaries(Instrument instrument)
        {
            IReadOnlyList<double>? advised = instrument switch
            {
                Histogram<double> h => h.Advice?.HistogramBucketBoundaries,
                Histogram<float> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
                Histogram<long> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
                Histogram<int> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
                _ => null,
            };
            return advised is { Count: > 0 } ? [.. advised] : DefaultBoundaries;
        }

        /// <summary>Observable instruments show what their callbacks report at this scrape only (an instance removed by a reload goes away).</summary>
        public void BeginObservation()
        {
            if (_observable)
            {
                _points.Clear();
            }
        }

        /// <summary>
        /// The rendered labels of a tag set: cached for up to three tags (vrrpd's instruments have one to two), so a
        /// scrape renders a series' labels once in its life rather than at each measurement.
        /// </summary>
        public string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            if (tags.Length > 3)
            {
                return PrometheusText.Labels(ScopeName, tags);
            }

            var key = new TagKey(tags);
            if (!_labels.TryGetValue(key, out string? labels))
            {
                labels = PrometheusText.Labels(ScopeName, tags);
                if (_labels.Count < MaxCachedLabels)
                {
                    _labels.Add(key, labels);
                }
            }

            return labels;
        }

        public void Record(string labels, double value)
        {
            if (!_points.TryGetValue(labels, out var point))
            {
                point = new Point(Kind == Kind.Histogram ? new long[_boundaries.Length + 1] : null);
                _points.Add(labels, point);
            }

            if (Kind == Kind.Histogram)
            {
                int bucket = 0;
                while (bucket < _boundaries.Length && value > _boundaries[bucket])
                {
                    bucket++;
                }

                point.Buckets![bucket]++;
                point.Count++;
                point.Value += value;
            }
            else if (_sums)
            {
                point.Value += value;
            }
            else
            {
                point.Value = value;
            }
        }

        public void AppendTo(StringBuilder text)
        {
            if (_points.Count == 0)
            {
                return;
            }

            PrometheusText.AppendHeader(text, Name, Kind, Help);
            foreach (var (labels, point) in _points)
            {
                if (Kind != Kind.Histogram)
                {
                    PrometheusText.AppendSample(text, Name, labels, point.Value, _integral);
                    continue;
                }

                long cumulative = 0;
                for (int i = 0; i <= _boundaries.Length; i++)
                {
                    cumulative += point.Buckets![i];
                    string le = i < _boundaries.Length ? PrometheusText.Number(_boundaries[i], integral: false) : "+Inf";
                    PrometheusText.AppendSample(text, Name + "_bucket", PrometheusText.WithLabel(labels, "le", le), cumulative, integral: true);
                }

                PrometheusText.AppendSample(text, Name + "_sum", labels, point.Value, _integral);
                PrometheusText.AppendSample(text, Name + "_count", labels, point.Count, integral: true);
            }
        }
    }

    /// <summary>Up to three tags, compared by key and value.</summary>
    private readonly struct TagKey : IEquatable<TagKey>
    {
        private readonly int _count;
        private readonly KeyValuePair<string, object?> _a;
        private readonly KeyValuePair<string, object?> _b;
        private readonly KeyValuePair<string, object?> _c;

        public TagKey(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            _count = tags.Length;
            _a = tags.Length > 0 ? tags[0] : default;
            _b = tags.Length > 1 ? tags[1] : default;
            _c = tags.Length > 2 ? tags[2] : default;
        }

        public bool Equals(TagKey other) =>
            _count == other._count && Same(_a, other._a) && Same(_b, other._b) && Same(_c, other._c);

        public override bool Equals(object? obj) => obj is TagKey other && Equals(other);

        public override int GetHashCode() => HashCode.Combine(_count, _a.Key, _a.Value, _b.Key, _b.Value, _c.Key, _c.Value);

        private static bool Same(KeyValuePair<string, object?> x, KeyValuePair<string, object?> y) =>
            string.Equals(x.Key, y.Key, StringComparison.Ordinal) && Equals(x.Value, y.Value);
    }

    private sealed class Point(long[]? buckets)
    {
        public double Value;
        public long Count;
        public readonly long[]? Buckets = buckets;
    }
}
