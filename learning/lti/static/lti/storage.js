// LTI platform storage (1EdTech "Client Side postMessages"): where the browser will not keep
// RoleCall's cookie inside the course frame, the login's state and nonce are kept by the
// platform's own frame. "put" stores them and goes on to the platform's sign-in; "get" fetches
// them back and posts them, with the id_token, to RoleCall's launch completion.
(() => {
  const box = document.getElementById("lti-storage");
  if (!box) return;
  const { mode, origin, target, state } = box.dataset;
  const TIMEOUT_MS = 5000;

  const storageFrame = () => {
    const parent = window.parent !== window ? window.parent : window.opener;
    if (!parent) return null;
    if (target && target !== "_parent") {
      try {
        if (parent.frames[target]) return parent.frames[target];
      } catch (error) {
        return parent;
      }
    }
    return parent;
  };

  const ask = (subject, fields) =>
    new Promise((resolve, reject) => {
      const frame = storageFrame();
      if (!frame || !origin) {
        reject(new Error("no platform frame"));
        return;
      }
      const messageId = `${subject}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
      const timer = window.setTimeout(() => {
        window.removeEventListener("message", onMessage);
        reject(new Error(`${subject}: no answer`));
      }, TIMEOUT_MS);
      function onMessage(event) {
        const data = event.data || {};
        if (event.origin !== origin || data.message_id !== messageId) return;
        if (data.subject !== `${subject}.response`) return;
        window.clearTimeout(timer);
        window.removeEventListener("message", onMessage);
        if (data.error) reject(new Error(data.error.message || data.error.code || subject));
        else resolve(data);
      }
      window.addEventListener("message", onMessage);
      frame.postMessage({ subject, message_id: messageId, ...fields }, origin);
    });

  const put = async () => {
    try {
      await ask("lti.put_data", { key: `state-${state}`, value: state });
      await ask("lti.put_data", { key: `nonce-${state}`, value: box.dataset.nonce });
    } finally {
      // The state cookie may still work; without either, the launch says so clearly.
      window.location.replace(box.dataset.next);
    }
  };

  const get = async () => {
    const form = document.getElementById("lti-storage-form");
    try {
      const stored = await ask("lti.get_data", { key: `state-${state}` });
      const nonce = await ask("lti.get_data", { key: `nonce-${state}` });
      form.elements.stored_state.value = stored.value || "";
      form.elements.stored_nonce.value = nonce.value || "";
      form.submit();
    } catch (error) {
      document.getElementById("lti-storage-error").hidden = false;
    }
  };

  (mode === "put" ? put : get)().catch(() => {});
})();
