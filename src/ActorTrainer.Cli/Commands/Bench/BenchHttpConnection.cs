using System.Buffers.Text;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ActorTrainer.Cli.Commands.Bench;

/// <summary>
/// One HTTP/1.1 keep-alive connection for `bench external`: a request is written into one reused buffer and sent
/// with one send, the answer is read into another reused buffer. The client shares the cores with the server it
/// measures, so it does the least a correct client can (like wrk): HttpClient's per-request objects, handlers and
/// header collections cost more CPU than Kestrel's side of the same request. Answers must carry Content-Length
/// (every success answer of /api/external does); anything else ends the benchmark with the status and the bytes seen.
/// </summary>
internal sealed class BenchHttpConnection : IDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _hostLine;
    private readonly byte[] _send = new byte[4096];
    private readonly byte[] _receive = new byte[8192];
    private int _sendLength;

    private BenchHttpConnection(Socket socket, Uri server)
    {
        _socket = socket;
        _hostLine = Encoding.ASCII.GetBytes($"Host: {server.Authority}\r\nContent-Type: application/json\r\nContent-Length: ");
    }

    public static async Task<BenchHttpConnection> ConnectAsync(Uri server, CancellationToken ct)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Parse(server.Host), server.Port), ct);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return new BenchHttpConnection(socket, server);
    }

    /// <summary>Starts a request: the request line and headers up to the body, which the caller appends with <see cref="Body"/>.</summary>
    public void Begin(ReadOnlySpan<byte> path, ReadOnlySpan<byte> pathEnd = default)
    {
        _sendLength = 0;
        Append("POST "u8);
        Append(path);
        Append(pathEnd);
        Append(" HTTP/1.1\r\n"u8);
    }

    /// <summary>Appends the body and its length; the request is then complete.</summary>
    public void Body(ReadOnlySpan<byte> json)
    {
        Append(_hostLine);
        Utf8Formatter.TryFormat(json.Length, _send.AsSpan(_sendLength), out var written);
        _sendLength += written;
        Append("\r\n\r\n"u8);
        Append(json);
    }

    /// <summary>Sends the request and reads the answer; the body stays valid until the next request.</summary>
    public async ValueTask<(int Status, ReadOnlyMemory<byte> Body)> SendAsync(CancellationToken ct)
    {
        var sent = 0;
        while (sent < _sendLength) sent += await _socket.SendAsync(_send.AsMemory(sent, _sendLength - sent), SocketFlags.None, ct);

        var received = 0;
        int headerEnd;
        while ((headerEnd = _receive.AsSpan(0, received).IndexOf("\r\n\r\n"u8)) < 0)
            received += await ReceiveSomeAsync(received, ct);
        var (status, length) = ParseHead(_receive.AsSpan(0, headerEnd));
        var bodyStart = headerEnd + 4;
        if (bodyStart + length > _receive.Length) throw new InvalidOperationException($"answer of {length} bytes is larger than the benchmark client reads");
        while (received < bodyStart + length) received += await ReceiveSomeAsync(received, ct);
        if (received != bodyStart + length) throw new InvalidOperationException("the server sent more than one answer to one request");
        return (status, _receive.AsMemory(bodyStart, length));
    }

    private async ValueTask<int> ReceiveSomeAsync(int offset, CancellationToken ct)
    {
        if (offset == _receive.Length) throw new InvalidOperationException("answer headers are larger than the benchmark client reads");
        var n = await _socket.ReceiveAsync(_receive.AsMemory(offset), SocketFlags.None, ct);
        if (n == 0) throw new InvalidOperationException($"the server closed the connection after {offset} bytes of an answer: {Encoding.ASCII.GetString(_receive, 0, offset)}");
        return n;
    }

    private static (int Status, int Length) ParseHead(ReadOnlySpan<byte> head)
    {
        // "HTTP/1.1 200 OK"
        if (head.Length < 12 || !head.StartsWith("HTTP/1.1 "u8) || !Utf8Parser.TryParse(head.Slice(9, 3), out int status, out _))
            throw new InvalidOperationException($"not an HTTP/1.1 answer: {Encoding.ASCII.GetString(head)}");
        var rest = head;
        while (rest.IndexOf("\r\n"u8) is var nl and >= 0)
        {
            rest = rest[(nl + 2)..];
            var line = rest.IndexOf("\r\n"u8) is var end and >= 0 ? rest[..end] : rest;
            const int nameLength = 15; // "Content-Length:"
            if (line.Length > nameLength && Ascii.EqualsIgnoreCase(line[..nameLength], "Content-Length:"u8)
                && Utf8Parser.TryParse(line[nameLength..].Trim((byte)' '), out int length, out _))
                return (status, length);
        }
        throw new InvalidOperationException($"HTTP {status} answer without Content-Length: {Encoding.ASCII.GetString(head)}");
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_send.AsSpan(_sendLength));
        _sendLength += bytes.Length;
    }

    public void Dispose() => _socket.Dispose();
}
