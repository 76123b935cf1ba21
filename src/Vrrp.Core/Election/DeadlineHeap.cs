namespace Vrrp.Election;

/// <summary>
/// The routers of a set ordered by their next deadline: a binary min-heap that knows each router's position
/// (<see cref="VirtualRouter.HeapIndex"/>), so that moving one deadline (a backup's Master_Down_Timer restarted by every
/// advert) costs O(log n) and never allocates.
/// </summary>
internal sealed class DeadlineHeap
{
    private (long Deadline, VirtualRouter Router)[] _items = new (long, VirtualRouter)[16];

    public int Count { get; private set; }

    public long PeekDeadline() => _items[0].Deadline;

    public VirtualRouter Pop()
    {
        var top = _items[0].Router;
        RemoveAt(0);
        return top;
    }

    /// <summary>Sets a router's deadline: inserts, moves or (for null) removes it.</summary>
    public void Update(VirtualRouter router, long? deadline)
    {
        int i = router.HeapIndex;
        if (deadline is not long value)
        {
            if (i >= 0)
            {
                RemoveAt(i);
            }

            return;
        }

        if (i < 0)
        {
            if (Count == _items.Length)
            {
                Array.Resize(ref _items, _items.Length * 2);
            }

            i = Count++;
            _items[i] = (value, router);
            router.HeapIndex = i;
            Up(i);
            return;
        }

        long old = _items[i].Deadline;
        _items[i].Deadline = value;
        if (value < old)
        {
            Up(i);
        }
        else if (value > old)
        {
            Down(i);
        }
    }

    public void Remove(VirtualRouter router)
    {
        if (router.HeapIndex >= 0)
        {
            RemoveAt(router.HeapIndex);
        }
    }

    private void RemoveAt(int i)
    {
        _items[i].Router.HeapIndex = -1;
        int last = --Count;
        if (i != last)
        {
            var moved = _items[last].Router;
            _items[i] = _items[last];
            moved.HeapIndex = i;
            _items[last] = default;
            Up(i);
            Down(moved.HeapIndex);
        }
        else
        {
            _items[last] = default;
        }
    }

    private void Up(int i)
    {
        while (i > 0)
        {
            int parent = (i - 1) / 2;
            if (_items[parent].Deadline <= _items[i].Deadline)
            {
                return;
            }

            Swap(i, parent);
            i = parent;
        }
    }

    private void Down(int i)
    {
        while (true)
        {
            int left = (2 * i) + 1;
            if (left >= Count)
            {
                return;
            }

            int smallest = left + 1 < Count && _items[left + 1].Deadline < _items[left].Deadline ? left + 1 : left;
            if (_items[i].Deadline <= _items[smallest].Deadline)
            {
                return;
            }

            Swap(i, smallest);
            i = smallest;
        }
    }

    private void Swap(int a, int b)
    {
        (_items[a], _items[b]) = (_items[b], _items[a]);
        _items[a].Router.HeapIndex = a;
        _items[b].Router.HeapIndex = b;
    }
}
