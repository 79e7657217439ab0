using System.Buffers;

namespace ActorTrainer.Dashboard.Api;

/// <summary>
/// Values parsed from a request body into an array rented from the shared pool; <see cref="Dispose"/> gives it back.
/// The observations of the external API are read this way so that an act allocates no array.
/// </summary>
internal struct PooledValues<T> : IDisposable
{
    private T[]? _array;

    public int Count { get; private set; }

    public readonly ReadOnlySpan<T> Span => _array.AsSpan(0, Count);

    public readonly ReadOnlyMemory<T> Memory => _array.AsMemory(0, Count);

    public void Add(T value)
    {
        if (_array is null || Count == _array.Length)
        {
            var bigger = ArrayPool<T>.Shared.Rent(_array is null ? 16 : _array.Length * 2);
            if (_array is not null)
            {
                _array.AsSpan(0, Count).CopyTo(bigger);
                ArrayPool<T>.Shared.Return(_array);
            }
            _array = bigger;
        }
        _array[Count++] = value;
    }

    public void Dispose()
    {
        if (_array is not null) ArrayPool<T>.Shared.Return(_array);
        _array = null;
        Count = 0;
    }
}
