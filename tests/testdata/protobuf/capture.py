import json,ssl,sys,http.client,urllib.parse
c=json.load(open(sys.argv[1])); out=sys.argv[2]
cl,u=c['clusters'][0]['cluster'],c['users'][0]['user']
ctx=ssl.create_default_context(cafile=cl['certificate-authority'])
ctx.load_cert_chain(u['client-certificate'],u['client-key'])
url=urllib.parse.urlsplit(cl['server'])
conn=http.client.HTTPSConnection(url.hostname,url.port,context=ctx)
def get(path, accept):
    conn.request('GET',path,headers={"Accept":accept}); r=conn.getresponse(); b=r.read()
    assert r.status==200 or 'nope' in path, (path, r.status, b[:200])
    return r.status, b
PROTO="application/vnd.kubernetes.protobuf"
for name, path in [("nodes","/api/v1/nodes?limit=500"),("pods","/api/v1/pods?fieldSelector=spec.nodeName%21%3D%2Cstatus.phase%21%3DSucceeded%2Cstatus.phase%21%3DFailed&limit=500")]:
    _, j = get(path, "application/json")
    rv = json.loads(j)["metadata"]["resourceVersion"]
    pinned = path + "&resourceVersion=" + rv + "&resourceVersionMatch=Exact"
    _, j = get(pinned, "application/json")
    _, p = get(pinned, PROTO)
    open(f"{out}/{name}.json","wb").write(j); open(f"{out}/{name}.pb","wb").write(p)
    print(name, rv, len(j), len(p))
s, p = get("/api/v1/namespaces/capture/pods/nope", PROTO)
open(f"{out}/status-404.pb","wb").write(p); print("404", s, len(p))
